package io.hybridmesh.api.annotation;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workload annotation {@code hybridmesh.io/tls-probe}: functions with OpenSSL's SSL_write/SSL_read
 * signature for the agent to probe where the usual symbols are missing (a stripped or renamed TLS library).
 * Written by users, read by the controller (to decide) and the agent (to probe): one parser, so both accept
 * exactly the same values.
 *
 * <p>Text: {@code [v1:]/path/in/image:symbol[,symbol...]}. The optional {@code vN:} prefix is the format
 * version (a path is absolute, so it cannot be mistaken for one); without it a value is version 1, as every
 * value written before the prefix existed. A version newer than {@link #FORMAT_VERSION} is refused as such.
 *
 * @param file an absolute path inside the container's file system
 * @param symbols one or more distinct symbol names, in the order written
 */
public record TlsProbeAnnotation(String file, List<String> symbols) {

  public static final int FORMAT_VERSION = 1;
  public static final int MAX_SYMBOLS = 32;
  public static final int MAX_SYMBOL = 256;
  /** A path of PATH_MAX and every symbol at its longest fit; anything longer is not this format. */
  public static final int MAX_LENGTH = 16 + ProbeEntry.MAX_PATH + MAX_SYMBOLS * (MAX_SYMBOL + 2);

  private static final Pattern VERSION = Pattern.compile("v([0-9]{1,9}):(.*)", Pattern.DOTALL);
  /** What a C (or assembler) symbol can be: an identifier, with the dots, dollars and ats of versioned names. */
  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$@]{0," + (MAX_SYMBOL - 1) + "}");

  public TlsProbeAnnotation {
    checkFile(file);
    symbols = List.copyOf(symbols);
    if (symbols.isEmpty() || symbols.size() > MAX_SYMBOLS) {
      throw new IllegalArgumentException("it names " + symbols.size() + " symbols; name 1 to " + MAX_SYMBOLS);
    }
    Set<String> seen = new HashSet<>();
    for (String s : symbols) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("a symbol is empty (two commas in a row, or one at the end)");
      }
      FieldRules.matching("symbol", s, SYMBOL, "a symbol name (letters, digits, _ . $ @, not starting with a "
          + "digit, up to " + MAX_SYMBOL + " characters)");
      if (!seen.add(s)) {
        throw new IllegalArgumentException("symbol " + s + " is named twice");
      }
    }
  }

  /** Reads a value that is present (callers treat an absent or blank annotation as no custom target). */
  public static Parsed<TlsProbeAnnotation> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Parsed.refused(Refusal.MALFORMED, "it is empty");
    }
    if (raw.length() > MAX_LENGTH) {
      return Parsed.refused(Refusal.MALFORMED, "it is " + raw.length() + " characters long, over the "
          + MAX_LENGTH + " a path and " + MAX_SYMBOLS + " symbols can take");
    }
    String value = raw.strip();
    Matcher v = VERSION.matcher(value);
    if (v.matches()) {
      int version = Integer.parseInt(v.group(1));
      if (version < 1) {
        return Parsed.refused(Refusal.MALFORMED, "its format version is " + version + "; versions start at 1");
      }
      if (version > FORMAT_VERSION) {
        return Parsed.refused(Refusal.UNSUPPORTED_VERSION, "it is in format version " + version + ", and this "
            + "build reads versions up to " + FORMAT_VERSION);
      }
      value = v.group(2);
    }
    int colon = value.lastIndexOf(':');
    if (!value.startsWith("/") || colon < 0) {
      return Parsed.refused(Refusal.MALFORMED, "it is not an absolute path and symbols (/path/in/image:symbol"
          + "[,symbol...])");
    }
    List<String> symbols = new ArrayList<>();
    for (String s : value.substring(colon + 1).split(",", -1)) {
      symbols.add(s.strip());
    }
    try {
      return Parsed.of(new TlsProbeAnnotation(value.substring(0, colon), symbols));
    } catch (IllegalArgumentException e) {
      return Parsed.refused(Refusal.MALFORMED, e.getMessage());
    }
  }

  /** The annotation value, with its version: {@code v1:/usr/bin/app:my_write,my_read}. */
  public String toAnnotation() {
    return "v" + FORMAT_VERSION + ":" + target();
  }

  /** The target alone, for messages: {@code /usr/bin/app:my_write,my_read}. */
  public String target() {
    return file + ":" + String.join(",", symbols);
  }

  private static void checkFile(String file) {
    if (file == null || !file.startsWith("/")) {
      throw new IllegalArgumentException("the path is not absolute");
    }
    if (file.length() > ProbeEntry.MAX_PATH) {
      throw new IllegalArgumentException("the path is " + file.length() + " characters long, over Linux's "
          + ProbeEntry.MAX_PATH);
    }
    if (file.codePoints().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("the path has control characters");
    }
    if (file.endsWith("/")) {
      throw new IllegalArgumentException("the path " + FieldRules.shown(file) + " names a directory, not a file");
    }
    for (String part : file.substring(1).split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("the path " + FieldRules.shown(file) + " has an empty, . or .. part; "
            + "write it as the file's plain absolute path in the image");
      }
    }
  }
}
