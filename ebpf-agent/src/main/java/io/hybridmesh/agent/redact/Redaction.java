package io.hybridmesh.agent.redact;

import io.hybridmesh.agent.redact.RedactionOptions.QueryMode;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import java.util.Locale;
import java.util.Set;

/**
 * Removes secrets from the HTTP record of a flow: values of credential headers, the user info of
 * absolute URLs, values of query (and fragment, and path) parameters whose names mark credentials
 * ({@code token}, {@code password}, {@code session}, ...; see {@link QueryParams}) and, when asked, the
 * other query values or the whole query. The one place flows are redacted: the agent's eBPF flows and the
 * sidecars' access-log flows pass the same {@link RedactingSink}. Pure and thread-safe. A flow with nothing to redact is
 * returned as the same instance, so the common case costs a few string scans and no allocation.
 *
 * <p>The whole user info is replaced, not only the password as Hubble does: a user name alone is often a
 * token ({@code https://ghp_xxx@github.com/...}). Bodies never reach a flow (the HTTP parser skips them
 * without storing), so there is nothing to redact there.
 */
public final class Redaction {

  /** What a redacted value is replaced by (Hubble's is {@code HUBBLE_REDACTED}). */
  public static final String MARKER = "HMESH_REDACTED";

  private static final int CLEAN_SLOTS = 64;

  private final RedactionOptions options;
  /**
   * HTTP records found to need nothing, by identity. The agent's assemblers share one record between all
   * flows of the same request head, so most flows are answered by one comparison instead of scanning
   * URL, path and headers again. Written racily from any thread on purpose: a slot is only ever compared
   * by identity with a record the caller already holds, and a lost or stale slot only means checking
   * once more.
   */
  private final HTTP[] clean = new HTTP[CLEAN_SLOTS];

  public Redaction(RedactionOptions options) {
    this.options = options == null ? RedactionOptions.DEFAULT : options;
  }

  public RedactionOptions options() {
    return options;
  }

  /** The flow with its HTTP record redacted; the same instance when nothing had to change. */
  public Flow apply(Flow flow) {
    if (options.isOff() || !flow.hasL7() || !flow.getL7().hasHttp()) {
      return flow;
    }
    HTTP http = flow.getL7().getHttp();
    int slot = System.identityHashCode(http) & (CLEAN_SLOTS - 1);
    if (clean[slot] == http) {
      return flow;
    }
    String url = target(http.getUrl());
    String path = target(http.getPath());
    boolean headers = hasSecretHeader(http);
    if (!headers && url == http.getUrl() && path == http.getPath()) {
      clean[slot] = http;
      return flow;
    }
    HTTP.Builder b = http.toBuilder().setUrl(url).setPath(path);
    if (headers) {
      for (int i = 0; i < b.getHeadersCount(); i++) {
        HTTPHeader h = b.getHeaders(i);
        if (isSecret(h.getKey())) {
          b.setHeaders(i, h.toBuilder().setValue(MARKER));
        }
      }
    }
    return flow.toBuilder().setL7(flow.getL7().toBuilder().setHttp(b)).build();
  }

  private boolean hasSecretHeader(HTTP http) {
    if (options.secretHeaders().isEmpty()) {
      return false;
    }
    for (HTTPHeader h : http.getHeadersList()) {
      if (isSecret(h.getKey()) && !h.getValue().equals(MARKER)) {
        return true;
      }
    }
    return false;
  }

  /** Header names compare without case (HTTP/1.x is case-insensitive; the parser lower-cases, Envoy may not). */
  public boolean isSecret(String headerName) {
    Set<String> names = options.secretHeaders();
    return !names.isEmpty() && names.contains(headerName.toLowerCase(Locale.ROOT));
  }

  /**
   * A request target or URL with user info and query handled per the options; the same instance when
   * unchanged. Origin-form ({@code /p?q}), absolute-form ({@code http://u:p@h/p?q}), authority-form
   * ({@code host:443}) and {@code *} are all accepted; anything else is treated as authority-form.
   */
  public String target(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    boolean credentials = options.credentialParams();
    boolean touchQuery = options.query() != QueryMode.KEEP || credentials;
    boolean maybeUser = options.userInfo() && s.indexOf('@') >= 0;
    boolean maybePathParameters = credentials && s.indexOf(';') >= 0;
    int hash = s.indexOf('#');
    int q = s.indexOf('?');
    if (hash >= 0 && q > hash) {
      q = -1; // a '?' inside the fragment does not start a query
    }
    int suffix = q >= 0 ? q : hash >= 0 ? hash : s.length();
    if (!maybeUser && !maybePathParameters && (!touchQuery || suffix == s.length())) {
      return s;
    }
    String head = s.substring(0, suffix);
    String redactedHead = options.userInfo() ? userInfo(head) : head;
    if (maybePathParameters) {
      redactedHead = QueryParams.pathParameters(redactedHead);
    }
    String tail = touchQuery ? suffix(s, q, hash) : s.substring(suffix);
    if (redactedHead.equals(head) && tail.equals(s.substring(suffix))) {
      return s;
    }
    return redactedHead + tail;
  }

  /** {@code ?query#fragment} per the query mode and the credential rule. */
  private String suffix(String s, int q, int hash) {
    if (options.query() == QueryMode.ALL) {
      return "";
    }
    boolean allValues = options.query() == QueryMode.VALUES;
    StringBuilder out = new StringBuilder();
    if (q >= 0) {
      String query = s.substring(q + 1, hash >= 0 ? hash : s.length());
      out.append('?').append(QueryParams.redact(query, allValues));
    }
    if (hash >= 0) {
      if (allValues) {
        // A fragment need not have a key=value structure to keep; a non-empty one is replaced whole.
        out.append('#').append(hash + 1 < s.length() ? MARKER : "");
      } else {
        // OAuth's implicit grant hands out #access_token=...: a fragment is read like a query.
        out.append('#').append(QueryParams.redact(s.substring(hash + 1), false));
      }
    }
    return out.toString();
  }

  /** Replaces {@code user[:password]} before the last '@' of the authority by the marker. */
  static String userInfo(String s) {
    int authStart;
    int scheme = s.indexOf("://");
    if (scheme > 0 && isScheme(s, scheme)) {
      authStart = scheme + 3;
    } else if (s.startsWith("//")) {
      authStart = 2;
    } else if (s.startsWith("/") || s.equals("*")) {
      return s; // origin-form: no authority, an '@' is part of the path
    } else {
      authStart = 0; // authority-form (CONNECT host:port)
    }
    int slash = s.indexOf('/', authStart);
    int authEnd = slash < 0 ? s.length() : slash;
    // The last '@': a literal '@' in a password is invalid but seen; %40 is just part of the user info.
    int at = s.lastIndexOf('@', authEnd - 1);
    if (at < authStart) {
      return s;
    }
    if (s.startsWith(MARKER, authStart) && authStart + MARKER.length() == at) {
      return s; // already redacted
    }
    return s.substring(0, authStart) + MARKER + s.substring(at);
  }

  /** RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ending at {@code end}. */
  private static boolean isScheme(String s, int end) {
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (!(alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
        return false;
      }
    }
    return true;
  }
}
