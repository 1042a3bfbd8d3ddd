package io.hybridmesh.agent.http;

import java.util.Arrays;
import java.util.List;

/**
 * Parses one complete head held in [s, e) of a byte array into an immutable {@link Parsed}. Reused per
 * conversation (its fields are scratch space for one call). Only allow-listed headers become Strings;
 * Content-Length and Transfer-Encoding are read for framing even though most values are never kept.
 */
final class HeadParser {

  enum Kind { REQUEST, RESPONSE, HTTP2, ERROR }

  /** The allow-list. Secrets (authorization, cookies) can never be kept because they are not here. */
  private static final String[] KEPT = {
    "host", "user-agent", "content-type", "content-length", "transfer-encoding", "x-request-id",
    "traceparent"
  };

  /**
   * What one head says. A pure function of the head's bytes (and the limits), so a connection that sends
   * the same bytes again can reuse it; {@code error} is set for {@link Kind#ERROR} only.
   *
   * @param contentLength -1 when absent
   * @param headers the kept (allow-listed) headers, immutable
   * @param upgradeH2c an {@code Upgrade} header names {@code h2c} (HTTP/2 over cleartext, RFC 7540 §3.2)
   */
  record Parsed(Kind kind, String error, String method, String target, String protocol, String host,
      int status, long contentLength, boolean hasTransferEncoding, boolean chunked, List<Header> headers,
      boolean upgradeH2c) {

    HttpRequestHead request(long startNs) {
      return new HttpRequestHead(method, target, host, protocol, headers, startNs);
    }

    HttpResponseHead response(long startNs) {
      return new HttpResponseHead(status, protocol, headers, startNs);
    }
  }

  private static final Parsed HTTP2 =
      new Parsed(Kind.HTTP2, null, null, null, null, null, 0, -1, false, false, List.of(), false);

  private final Limits limits;
  private final Header[] kept;

  private Kind kind;
  private String method;
  private String target;
  private String protocol;
  private String host;
  private int status;
  private long contentLength;
  private boolean hasTransferEncoding;
  private boolean chunked;
  private boolean upgradeH2c;
  private int keptCount;

  HeadParser(Limits limits) {
    this.limits = limits;
    this.kept = new Header[limits.maxKeptHeaders()];
  }

  Parsed parse(byte[] b, int s, int e) {
    method = target = protocol = host = null;
    status = 0;
    contentLength = -1;
    hasTransferEncoding = chunked = upgradeH2c = false;
    keptCount = 0;
    int lf = Ascii.indexOfLf(b, s, e);
    if (lf < 0) {
      return fail("malformed start line");
    }
    int le = Ascii.trimCr(b, s, lf);
    if (le - s >= 7 && b[s] == 'H' && b[s + 4] == '/' && Ascii.equalsLower(b, s, s + 5, "http/")) {
      status = Ascii.statusLine(b, s, le);
      if (status < 0) {
        return fail("malformed status line");
      }
      protocol = protocol(b, s);
      kind = Kind.RESPONSE;
    } else {
      if (Ascii.equalsLower(b, s, le, "pri * http/2.0")) {
        return HTTP2;
      }
      int m = Ascii.requestLine(b, s, le);
      if (m < 0) {
        return fail("malformed request line");
      }
      method = method(b, s, m);
      target = Ascii.latin1(b, m + 1, le - 9);
      protocol = protocol(b, le - 8);
      kind = Kind.REQUEST;
    }
    if (!headers(b, lf + 1, e)) {
      return fail("invalid Content-Length");
    }
    if (kind == Kind.REQUEST && host == null) {
      host = "CONNECT".equals(method) ? target : authorityOf(target);
    }
    return new Parsed(kind, null, method, target, protocol, host, status, contentLength, hasTransferEncoding,
        chunked, keptList(), upgradeH2c);
  }

  private static Parsed fail(String reason) {
    return new Parsed(Kind.ERROR, reason, null, null, null, null, 0, -1, false, false, List.of(), false);
  }

  private List<Header> keptList() {
    return keptCount == 0 ? List.of() : List.of(Arrays.copyOf(kept, keptCount));
  }

  /** Returns false only for a Content-Length that cannot frame a body. */
  private boolean headers(byte[] b, int p, int e) {
    while (p < e) {
      int lf = Ascii.indexOfLf(b, p, e);
      int le = lf < 0 ? e : Ascii.trimCr(b, p, lf);
      if (le == p) {
        return true;
      }
      if (!header(b, p, le)) {
        return false;
      }
      p = lf < 0 ? e : lf + 1;
    }
    return true;
  }

  private boolean header(byte[] b, int s, int e) {
    int c = s;
    while (c < e && Ascii.tchar(b[c])) c++;
    // Folded continuations and lines with odd names (e.g. a space before ':') are ignored, not kept.
    if (c == s || c >= e || b[c] != ':') {
      return true;
    }
    int vs = c + 1, ve = e;
    while (vs < ve && (b[vs] == ' ' || b[vs] == '\t')) vs++;
    while (ve > vs && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) ve--;
    if (c - s == 7 && Ascii.equalsLower(b, s, c, "upgrade") && Ascii.hasToken(b, vs, ve, "h2c")) {
      upgradeH2c = true; // not kept, only noted: the connection may go on as HTTP/2
    }
    String name = allowed(b, s, c);
    if (name == null) {
      return true;
    }
    if (name.equals("content-length")) {
      long n = parseLength(b, vs, ve);
      if (n < 0 || (contentLength >= 0 && contentLength != n)) {
        return false;
      }
      contentLength = n;
    } else if (name.equals("transfer-encoding")) {
      hasTransferEncoding = true;
      chunked = endsWithChunked(b, vs, ve);
    }
    String value = Ascii.latin1(b, vs, Math.min(ve, vs + limits.maxHeaderValueBytes()));
    if (name.equals("host") && host == null) {
      host = value;
    }
    if (keptCount < kept.length) {
      kept[keptCount++] = new Header(name, value);
    }
    return true;
  }

  /** The allow-listed constant for the name in [s, e), or null; the length test rejects most. */
  private static String allowed(byte[] b, int s, int e) {
    for (String k : KEPT) {
      if (k.length() == e - s && Ascii.equalsLower(b, s, e, k)) {
        return k;
      }
    }
    return null;
  }

  /** 1..18 digits, so it can never overflow; anything else (sign, list, junk) is -1. */
  private static long parseLength(byte[] b, int s, int e) {
    if (e <= s || e - s > 18) {
      return -1;
    }
    long n = 0;
    for (int i = s; i < e; i++) {
      if (!Ascii.digit(b[i])) {
        return -1;
      }
      n = n * 10 + (b[i] - '0');
    }
    return n;
  }

  /** Chunked must be the last coding for the body to be chunk-framed. */
  private static boolean endsWithChunked(byte[] b, int s, int e) {
    if (e - s < 7 || !Ascii.equalsLower(b, e - 7, e, "chunked")) {
      return false;
    }
    if (e - s == 7) {
      return true;
    }
    byte before = b[e - 8];
    return before == ',' || before == ' ' || before == '\t';
  }

  private static String protocol(byte[] b, int s) {
    byte minor = b[s + 7];
    return minor == '1' ? "HTTP/1.1" : minor == '0' ? "HTTP/1.0" : Ascii.latin1(b, s, s + 8);
  }

  private static final String[] METHODS = {
    "GET", "PUT", "POST", "HEAD", "PATCH", "TRACE", "DELETE", "CONNECT", "OPTIONS"
  };

  /** Common methods map to constants so the hot path does not allocate for them. */
  private static String method(byte[] b, int s, int e) {
    for (String m : METHODS) {
      if (m.length() == e - s && b[s] == m.charAt(0) && matches(b, s, m)) {
        return m;
      }
    }
    return Ascii.latin1(b, s, e);
  }

  private static boolean matches(byte[] b, int s, String m) {
    for (int i = 1; i < m.length(); i++) {
      if (b[s + i] != m.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Authority of an absolute-form target ("http://host:port/path"), else null. */
  static String authorityOf(String target) {
    int scheme = target.indexOf("://");
    if (scheme <= 0 || target.charAt(0) == '/') {
      return null;
    }
    int s = scheme + 3, e = s;
    while (e < target.length() && "/?#".indexOf(target.charAt(e)) < 0) e++;
    // Userinfo may hold credentials and must not leak into the kept host.
    int at = target.lastIndexOf('@', e - 1);
    if (at >= s) {
      s = at + 1;
    }
    return e > s ? target.substring(s, e) : null;
  }
}
