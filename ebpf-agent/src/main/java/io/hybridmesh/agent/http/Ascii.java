package io.hybridmesh.agent.http;

import java.nio.charset.StandardCharsets;

/** Byte-level checks on the wire's ASCII; no regex and no allocation on the hot path. */
final class Ascii {

  static final int MAX_METHOD = 20;
  private static final byte[] HTTP1 = {'H', 'T', 'T', 'P', '/', '1', '.'};
  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (int c = '0'; c <= '9'; c++) TCHAR[c] = true;
    for (int c = 'a'; c <= 'z'; c++) TCHAR[c] = true;
    for (int c = 'A'; c <= 'Z'; c++) TCHAR[c] = true;
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) TCHAR[c] = true;
  }

  private Ascii() {}

  static boolean tchar(byte b) {
    return TCHAR[b & 0xff];
  }

  static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  /** The byte expected at position {@code i} (0..6) of a status line, for the incremental probe. */
  static byte http1At(int i) {
    return HTTP1[i];
  }

  static String latin1(byte[] b, int s, int e) {
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
  }

  /** Whether [s, e) equals the lower-case ASCII {@code lower}, ignoring case; callers pass tokens. */
  static boolean equalsLower(byte[] b, int s, int e, String lower) {
    if (e - s != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      if ((b[s + i] | 0x20) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the comma-separated list in [s, e) has an element equal to the lower-case token {@code lower},
   * ignoring case and the spaces around elements ({@code Upgrade: foo, h2c}).
   */
  static boolean hasToken(byte[] b, int s, int e, String lower) {
    int i = s;
    while (i < e) {
      int end = i;
      while (end < e && b[end] != ',') {
        end++;
      }
      int ts = i;
      int te = end;
      while (ts < te && (b[ts] == ' ' || b[ts] == '\t')) ts++;
      while (te > ts && (b[te - 1] == ' ' || b[te - 1] == '\t')) te--;
      if (equalsLower(b, ts, te, lower)) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }

  /** Index of the first LF in [s, e), or -1. */
  static int indexOfLf(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** End of the line content ending at LF index {@code lf}: drops one CR before it. */
  static int trimCr(byte[] b, int s, int lf) {
    return lf > s && b[lf - 1] == '\r' ? lf - 1 : lf;
  }

  /** "HTTP/1.d" at [s, s+8). */
  static boolean http1Version(byte[] b, int s, int e) {
    if (e - s != 8) {
      return false;
    }
    for (int i = 0; i < 7; i++) {
      if (b[s + i] != HTTP1[i]) {
        return false;
      }
    }
    return digit(b[s + 7]);
  }

  /**
   * Shape of "METHOD SP target SP HTTP/1.d" on a line [s, e) without CRLF; returns the index of the
   * space after the method, or -1. The target must be non-empty and free of controls and spaces.
   */
  static int requestLine(byte[] b, int s, int e) {
    int m = s;
    while (m < e && m - s <= MAX_METHOD && tchar(b[m])) m++;
    if (m == s || m - s > MAX_METHOD || m >= e || b[m] != ' ') {
      return -1;
    }
    int v = e - 8;
    if (v - 1 <= m + 1 || b[v - 1] != ' ' || !http1Version(b, v, e)) {
      return -1;
    }
    for (int i = m + 1; i < v - 1; i++) {
      int c = b[i] & 0xff;
      if (c <= ' ' || c == 0x7f) {
        return -1;
      }
    }
    return m;
  }

  /** "HTTP/1.d SP 3DIGIT [SP reason]" on [s, e); returns the status or -1. */
  static int statusLine(byte[] b, int s, int e) {
    if (e - s < 12 || !http1Version(b, s, s + 8) || b[s + 8] != ' ') {
      return -1;
    }
    byte d0 = b[s + 9], d1 = b[s + 10], d2 = b[s + 11];
    if (d0 < '1' || d0 > '9' || !digit(d1) || !digit(d2) || (e - s > 12 && b[s + 12] != ' ')) {
      return -1;
    }
    return (d0 - '0') * 100 + (d1 - '0') * 10 + (d2 - '0');
  }

  /**
   * Whether the call data [s, e) starts with a whole valid request (or status) line: the stricter
   * test used to resync, since a body can easily start with "word ".
   */
  static boolean startsWithLine(byte[] b, int s, int e, int maxLine, boolean request) {
    int lf = indexOfLf(b, s, Math.min(e, s + maxLine + 2));
    if (lf < 0) {
      return false;
    }
    int le = trimCr(b, s, lf);
    return request ? requestLine(b, s, le) >= 0 : statusLine(b, s, le) >= 0;
  }
}
