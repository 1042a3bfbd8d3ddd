package io.hybridmesh.agent.http2;

/**
 * Tells from the first bytes of one direction of a connection which parser it needs: HTTP/2 (the client
 * preface, or a server's first SETTINGS frame), HTTP/1.x (a request or status line), or neither. Pure
 * and allocation-free; the caller keeps the first bytes until the answer is not {@link Verdict#NEED_MORE}.
 */
public final class Http2Detect {

  private Http2Detect() {}

  public enum Verdict {
    /** {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}: an HTTP/2 client from its first byte. */
    HTTP2_PREFACE,
    /** A SETTINGS frame (not an ACK) with legal settings: how an HTTP/2 server's bytes begin. */
    HTTP2_SETTINGS,
    /** A request line ({@code METHOD SP}) or a status line ({@code HTTP/1.}). */
    HTTP1,
    /** Neither; HTTP/2 seen from mid-connection lands here too (its frames are found later, not here). */
    OTHER,
    /** Too few bytes yet: everything so far fits one of the answers above. */
    NEED_MORE
  }

  private static final byte[] HTTP1_STATUS = {'H', 'T', 'T', 'P', '/', '1', '.'};
  private static final int MAX_METHOD = 20;
  /** 00 LL LL 04 00 00000000 (-1: any byte): the length's top byte is 0 for any sane number of settings. */
  private static final int[] SETTINGS_HEADER = {0, -1, -1, Http2Frames.SETTINGS, 0, 0, 0, 0, 0};

  public static Verdict detect(byte[] b, int off, int len) {
    if (b == null || off < 0 || len <= 0 || off > b.length) {
      return Verdict.NEED_MORE;
    }
    len = Math.min(len, b.length - off);
    if (len == 0) {
      return Verdict.NEED_MORE;
    }
    if (Http2Frames.prefaceSoFar(b, off, len)) {
      return len >= Http2Frames.PREFACE.length ? Verdict.HTTP2_PREFACE : Verdict.NEED_MORE;
    }
    Verdict settings = settings(b, off, len);
    if (settings != Verdict.OTHER) {
      return settings;
    }
    return http1(b, off, len);
  }

  /**
   * Whether bytes {@link #detect} calls {@link Verdict#OTHER} are a plausible chain of whole HTTP/2 frames
   * ending with the call (or in a DATA frame), as a connection's calls are when capture starts after its
   * first bytes. Never true of HTTP/1.x text (its first bytes read as a frame longer than any allowed).
   */
  public static boolean framesMidStream(byte[] b, int off, int len) {
    if (b == null || off < 0 || len <= 0 || off > b.length) {
      return false;
    }
    len = Math.min(len, b.length - off);
    return Http2Frames.plausibleChain(b, off, off + len, Http2Frames.MAX_FRAME_LIMIT, Http2Frames.DEFAULT_MAX_FRAME);
  }

  /** Whether [off, off+len) agrees with the first bytes of {@code want}, as far as both go. */
  private static boolean prefixOf(byte[] want, byte[] b, int off, int len) {
    int n = Math.min(len, want.length);
    for (int i = 0; i < n; i++) {
      if (b[off + i] != want[i]) {
        return false;
      }
    }
    return true;
  }

  /** A server's first frame: SETTINGS, no flags, stream 0, a whole number of small settings. */
  private static Verdict settings(byte[] b, int off, int len) {
    for (int i = 0; i < Math.min(len, SETTINGS_HEADER.length); i++) {
      if (SETTINGS_HEADER[i] >= 0 && (b[off + i] & 0xff) != SETTINGS_HEADER[i]) {
        return Verdict.OTHER;
      }
    }
    if (len < Http2Frames.HEADER_BYTES) {
      return Verdict.NEED_MORE;
    }
    int length = Http2Frames.length(b, off);
    if (length % 6 != 0 || length > 6 * 64) {
      return Verdict.OTHER;
    }
    int p = off + Http2Frames.HEADER_BYTES;
    int end = p + length;
    for (; p + 6 <= Math.min(end, off + len); p += 6) {
      if (!legalSetting((b[p] & 0xff) << 8 | (b[p + 1] & 0xff), Http2Frames.u32(b, p + 2) & 0xffffffffL)) {
        return Verdict.OTHER;
      }
    }
    return off + len >= end ? Verdict.HTTP2_SETTINGS : Verdict.NEED_MORE;
  }

  /** RFC 9113 §6.5.2: the values a peer may not send. Unknown identifiers are legal. */
  static boolean legalSetting(int id, long value) {
    return switch (id) {
      case Http2Frames.SETTINGS_ENABLE_PUSH -> value <= 1;
      case Http2Frames.SETTINGS_INITIAL_WINDOW_SIZE -> value <= Integer.MAX_VALUE;
      case Http2Frames.SETTINGS_MAX_FRAME_SIZE ->
          value >= Http2Frames.DEFAULT_MAX_FRAME && value <= Http2Frames.MAX_FRAME_LIMIT;
      default -> true;
    };
  }

  /** {@code HTTP/1.} or an upper-case token and a space; the HTTP/1 parser judges the rest. */
  private static Verdict http1(byte[] b, int off, int len) {
    if (prefixOf(HTTP1_STATUS, b, off, len)) {
      return len >= HTTP1_STATUS.length ? Verdict.HTTP1 : Verdict.NEED_MORE;
    }
    for (int i = 0; i < Math.min(len, MAX_METHOD + 1); i++) {
      byte c = b[off + i];
      if (c == ' ') {
        return i > 0 ? Verdict.HTTP1 : Verdict.OTHER;
      }
      if (c < 'A' || c > 'Z') {
        return Verdict.OTHER;
      }
    }
    return len > MAX_METHOD ? Verdict.OTHER : Verdict.NEED_MORE;
  }
}
