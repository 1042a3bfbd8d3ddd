package io.hybridmesh.agent.http2;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 framing constants (RFC 9113 §4, §6) and the checks on a 9-byte frame header: what the protocol
 * requires of any frame ({@link #valid}), and the stricter shape a frame a real peer writes always has
 * ({@link #plausibleStart}), used to find a frame boundary in a stream seen from the middle.
 */
final class Http2Frames {

  private Http2Frames() {}

  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int PRIORITY = 0x2;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int PUSH_PROMISE = 0x5;
  static final int PING = 0x6;
  static final int GOAWAY = 0x7;
  static final int WINDOW_UPDATE = 0x8;
  static final int CONTINUATION = 0x9;

  static final int FLAG_END_STREAM = 0x1;
  static final int FLAG_ACK = 0x1;
  static final int FLAG_END_HEADERS = 0x4;
  static final int FLAG_PADDED = 0x8;
  static final int FLAG_PRIORITY = 0x20;

  static final int HEADER_BYTES = 9;
  /** SETTINGS_MAX_FRAME_SIZE until a peer says otherwise, and its smallest legal value. */
  static final int DEFAULT_MAX_FRAME = 16_384;
  /** The largest frame the 24-bit length can describe, and SETTINGS_MAX_FRAME_SIZE's largest value. */
  static final int MAX_FRAME_LIMIT = (1 << 24) - 1;

  static final int SETTINGS_HEADER_TABLE_SIZE = 0x1;
  static final int SETTINGS_ENABLE_PUSH = 0x2;
  static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
  static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
  static final int SETTINGS_MAX_FRAME_SIZE = 0x5;

  /** The client connection preface (RFC 9113 §3.4). */
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Flags each known frame type defines; a sender must leave the others unset. */
  private static final int[] DEFINED_FLAGS = {
    FLAG_END_STREAM | FLAG_PADDED, // DATA
    FLAG_END_STREAM | FLAG_END_HEADERS | FLAG_PADDED | FLAG_PRIORITY, // HEADERS
    0, // PRIORITY
    0, // RST_STREAM
    FLAG_ACK, // SETTINGS
    FLAG_END_HEADERS | FLAG_PADDED, // PUSH_PROMISE
    FLAG_ACK, // PING
    0, // GOAWAY
    0, // WINDOW_UPDATE
    FLAG_END_HEADERS, // CONTINUATION
  };

  /** Whether [off, off+len) agrees with the preface as far as both go. */
  static boolean prefaceSoFar(byte[] b, int off, int len) {
    for (int i = 0; i < Math.min(len, PREFACE.length); i++) {
      if (b[off + i] != PREFACE[i]) {
        return false;
      }
    }
    return true;
  }

  static int length(byte[] b, int p) {
    return (b[p] & 0xff) << 16 | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff);
  }

  static int type(byte[] b, int p) {
    return b[p + 3] & 0xff;
  }

  static int flags(byte[] b, int p) {
    return b[p + 4] & 0xff;
  }

  /** The stream identifier, the reserved bit ignored. */
  static int streamId(byte[] b, int p) {
    return u32(b, p + 5) & 0x7fff_ffff;
  }

  static int u32(byte[] b, int p) {
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  /**
   * Whether a frame with this header is legal at all (RFC 9113 §6): size within what the receiver allows,
   * the stream identifier zero exactly for connection frames, and the fixed sizes. Unknown types are legal.
   */
  static boolean valid(int length, int type, int flags, int streamId, int maxFrame) {
    if (length > maxFrame) {
      return false;
    }
    int padded = (flags & FLAG_PADDED) != 0 ? 1 : 0;
    return switch (type) {
      case DATA -> streamId != 0 && length >= padded;
      case HEADERS -> streamId != 0 && length >= padded + ((flags & FLAG_PRIORITY) != 0 ? 5 : 0);
      case PRIORITY -> streamId != 0 && length == 5;
      case RST_STREAM -> streamId != 0 && length == 4;
      case SETTINGS -> streamId == 0 && length % 6 == 0 && ((flags & FLAG_ACK) == 0 || length == 0);
      case PUSH_PROMISE -> streamId != 0 && length >= padded + 4;
      case PING -> streamId == 0 && length == 8;
      case GOAWAY -> streamId == 0 && length >= 8;
      case WINDOW_UPDATE -> length == 4;
      case CONTINUATION -> streamId != 0;
      default -> true;
    };
  }

  /**
   * Whether a frame header is one a compliant peer can send: {@link #valid}, and for a known type no flag
   * it leaves undefined and the reserved bit clear (RFC 9113 §4.1: both "MUST be left unset when
   * sending"). Anything else means we are not reading frame headers where the peer wrote them.
   */
  static boolean wellFormed(byte[] b, int p, int maxFrame) {
    int type = type(b, p);
    int flags = flags(b, p);
    if (type <= CONTINUATION && ((flags & ~DEFINED_FLAGS[type]) != 0 || (b[p + 5] & 0x80) != 0)) {
      return false;
    }
    return valid(length(b, p), type, flags, streamId(b, p), maxFrame);
  }

  /**
   * Whether the header at {@code p} looks like one a peer wrote, not payload bytes that happen to parse:
   * legal under {@code maxFrame}, a known type, no undefined flag, the reserved bit clear, and (but for
   * DATA) no larger than {@code controlMax}. CONTINUATION only ever follows its HEADERS.
   */
  static boolean plausibleStart(byte[] b, int p, int maxFrame, int controlMax) {
    int type = type(b, p);
    if (type > WINDOW_UPDATE || (b[p + 5] & 0x80) != 0) {
      return false;
    }
    int flags = flags(b, p);
    int length = length(b, p);
    if ((flags & ~DEFINED_FLAGS[type]) != 0 || !valid(length, type, flags, streamId(b, p), maxFrame)) {
      return false;
    }
    return type == DATA || length <= controlMax;
  }

  /**
   * Whether [off, end) starts on a frame boundary, judged by the whole call: every frame header in it is
   * plausible, a header block without END_HEADERS is followed by its CONTINUATION (and only then), and
   * the frames end exactly at {@code end}, or only a DATA frame runs past it. A call cut inside a frame
   * header, or a header block cut by the end of the call, is not taken: the next call may do better.
   */
  static boolean plausibleChain(byte[] b, int off, int end, int maxFrame, int controlMax) {
    int p = off;
    int continuationOf = 0;
    while (end - p >= HEADER_BYTES) {
      int type = type(b, p);
      int flags = flags(b, p);
      int stream = streamId(b, p);
      if (continuationOf != 0) {
        if (type != CONTINUATION || stream != continuationOf || (flags & ~FLAG_END_HEADERS) != 0
            || (b[p + 5] & 0x80) != 0 || length(b, p) > controlMax) {
          return false;
        }
      } else if (!plausibleStart(b, p, maxFrame, controlMax)) {
        return false;
      }
      if ((type == HEADERS || type == PUSH_PROMISE || type == CONTINUATION)) {
        continuationOf = (flags & FLAG_END_HEADERS) == 0 ? stream : 0;
      }
      long next = (long) p + HEADER_BYTES + length(b, p);
      if (next > end) {
        return type == DATA;
      }
      p = (int) next;
    }
    return p == end && p > off && continuationOf == 0;
  }

  /** The name of an HTTP/2 error code (RFC 9113 §7), or its number. */
  static String errorName(long code) {
    return switch ((int) Math.min(code, Integer.MAX_VALUE)) {
      case 0x0 -> "NO_ERROR";
      case 0x1 -> "PROTOCOL_ERROR";
      case 0x2 -> "INTERNAL_ERROR";
      case 0x3 -> "FLOW_CONTROL_ERROR";
      case 0x4 -> "SETTINGS_TIMEOUT";
      case 0x5 -> "STREAM_CLOSED";
      case 0x6 -> "FRAME_SIZE_ERROR";
      case 0x7 -> "REFUSED_STREAM";
      case 0x8 -> "CANCEL";
      case 0x9 -> "COMPRESSION_ERROR";
      case 0xa -> "CONNECT_ERROR";
      case 0xb -> "ENHANCE_YOUR_CALM";
      case 0xc -> "INADEQUATE_SECURITY";
      case 0xd -> "HTTP_1_1_REQUIRED";
      default -> "0x" + Long.toHexString(code);
    };
  }
}
