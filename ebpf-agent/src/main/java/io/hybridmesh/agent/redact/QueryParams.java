package io.hybridmesh.agent.redact;

import java.util.Locale;
import java.util.Set;

/**
 * The parameters of a query string (and of a fragment or a path segment written the same way), and which of
 * them carry credentials. Pure; every method returns its input instance when nothing changes.
 *
 * <p>A name marks a credential when, read as a server reads it (percent-decoded once, {@code +} as a
 * space) and cut into words at separators and camelCase humps ({@code X-Amz-Signature}, {@code apiKey},
 * {@code auth[token]}), one word is a credential word ({@code token}, {@code key}, {@code session}, ...),
 * or all of it run together ends in one of the long ones ({@code accesstoken}, {@code jsessionid},
 * {@code csrftoken}). Whole words only: {@code monkey} and {@code keyword} are kept. A wrong guess costs a
 * harmless value on one side, a leaked token on the other, so the list leans towards redacting.
 */
final class QueryParams {

  /** Credential words, matched against each word of a name. */
  private static final Set<String> WORDS = Set.of("token", "tokens", "password", "passwd", "pwd", "pass",
      "secret", "key", "apikey", "auth", "signature", "sig", "session", "sessionid", "sid", "credential",
      "credentials", "jwt", "hmac", "authorization");
  /** Endings of a name whose words are run together ({@code accesstoken}, {@code phpsessid}). */
  private static final String[] ENDINGS = {"token", "secret", "password", "passwd", "apikey", "sessionid",
      "sessid", "signature", "credential", "credentials"};

  private QueryParams() {}

  /**
   * Redacts values in {@code a=1&b=2} (either '&' or ';' separates): every value, or only those of
   * credential parameters. A part without '=' or with an empty value has nothing to hide and is kept, as
   * is every separator, so the rewritten query has the original's shape.
   */
  static String redact(String query, boolean allValues) {
    if (query.indexOf('=') < 0) {
      return query;
    }
    StringBuilder out = null;
    int start = 0;
    int n = query.length();
    while (start <= n) {
      int end = start;
      while (end < n && query.charAt(end) != '&' && query.charAt(end) != ';') {
        end++;
      }
      int eq = query.indexOf('=', start);
      boolean hide = eq >= 0 && eq + 1 < end && !query.startsWith(Redaction.MARKER, eq + 1)
          && (allValues || isCredential(query, start, eq));
      if (hide && out == null) {
        out = new StringBuilder(n + 16).append(query, 0, start);
      }
      if (out != null) {
        if (hide) {
          out.append(query, start, eq + 1).append(Redaction.MARKER);
        } else {
          out.append(query, start, end);
        }
        if (end < n) {
          out.append(query.charAt(end));
        }
      }
      start = end + 1;
    }
    return out == null ? query : out.toString();
  }

  /**
   * Credential values of path parameters ({@code /app;jsessionid=ABC/page}): servlet containers put the
   * session id there when a client refuses cookies. Only credentials: the other parameters are the path.
   */
  static String pathParameters(String path) {
    int semi = path.indexOf(';');
    if (semi < 0) {
      return path;
    }
    StringBuilder out = null;
    int copied = 0;
    while (semi >= 0) {
      int end = semi + 1;
      while (end < path.length() && path.charAt(end) != ';' && path.charAt(end) != '/') {
        end++;
      }
      int eq = path.indexOf('=', semi + 1);
      if (eq >= 0 && eq + 1 < end && !path.startsWith(Redaction.MARKER, eq + 1)
          && isCredential(path, semi + 1, eq)) {
        if (out == null) {
          out = new StringBuilder(path.length() + 16);
        }
        out.append(path, copied, eq + 1).append(Redaction.MARKER);
        copied = end;
      }
      semi = path.indexOf(';', end);
    }
    return out == null ? path : out.append(path, copied, path.length()).toString();
  }

  /** Whether the parameter name in {@code s[from, to)} marks a credential (see the class comment). */
  static boolean isCredential(String s, int from, int to) {
    String name = decode(s, from, to);
    StringBuilder joined = new StringBuilder(name.length());
    int wordStart = -1;
    for (int i = 0; i <= name.length(); i++) {
      char c = i < name.length() ? name.charAt(i) : ' ';
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      boolean hump = alnum && wordStart >= 0 && Character.isUpperCase(c)
          && Character.isLowerCase(name.charAt(i - 1));
      if (wordStart >= 0 && (!alnum || hump)) {
        if (WORDS.contains(name.substring(wordStart, i).toLowerCase(Locale.ROOT))) {
          return true;
        }
        wordStart = -1;
      }
      if (alnum) {
        if (wordStart < 0) {
          wordStart = i;
        }
        joined.append(Character.toLowerCase(c));
      }
    }
    String all = joined.toString();
    for (String ending : ENDINGS) {
      if (all.endsWith(ending)) {
        return true;
      }
    }
    return WORDS.contains(all);
  }

  /** Percent-decoding of a name, once, as a server would; '+' is a space; a broken escape stays as it is. */
  static String decode(String s, int from, int to) {
    int pct = s.indexOf('%', from);
    int plus = s.indexOf('+', from);
    if ((pct < 0 || pct >= to) && (plus < 0 || plus >= to)) {
      return s.substring(from, to);
    }
    StringBuilder out = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < to) {
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          out.append((char) (hi << 4 | lo)); // non-ASCII bytes never make a credential word
          i += 2;
          continue;
        }
      }
      out.append(c == '+' ? ' ' : c);
    }
    return out.toString();
  }
}
