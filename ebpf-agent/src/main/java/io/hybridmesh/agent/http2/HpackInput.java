package io.hybridmesh.agent.http2;

/**
 * A cursor over one HPACK header block: prefixed integers (RFC 7541 §5.1, overflow-guarded) and string
 * literals (§5.2), raw ones read in place, Huffman ones decoded into scratch space that is bounded by the
 * caller's maximum and given back when it grew past 1 KiB. The first problem is kept in {@link #error}
 * and stops the block.
 */
final class HpackInput {

  private static final int SCRATCH_KEPT = 1024;
  private static final byte[] EMPTY = new byte[0];

  private byte[] in;
  private int pos;
  private int end;
  HpackResult error;

  /** The last string read: bytes [sOff, sOff+sLen) of sBuf; sTooLong when cut at the maximum. */
  byte[] sBuf;
  int sOff;
  int sLen;
  boolean sTooLong;

  private byte[] nameScratch = EMPTY;
  private byte[] valueScratch = EMPTY;

  void start(byte[] b, int off, int len) {
    in = b;
    pos = off;
    end = off + len;
    error = null;
  }

  boolean more() {
    return pos < end && error == null;
  }

  int peek() {
    return in[pos] & 0xff;
  }

  /** Ends the block: drops references to it and large scratch space; returns the error, if any. */
  HpackResult finish() {
    in = null;
    sBuf = null;
    if (valueScratch.length > SCRATCH_KEPT) {
      valueScratch = EMPTY;
    }
    if (nameScratch.length > SCRATCH_KEPT) {
      nameScratch = EMPTY;
    }
    return error;
  }

  int scratchBytes() {
    return 32 + nameScratch.length + valueScratch.length;
  }

  /** RFC 7541 §5.1 with an N-bit prefix; -1 (and error set) when truncated or too large. */
  long readInt(int n) {
    int mask = (1 << n) - 1;
    long v = in[pos++] & mask;
    if (v < mask) {
      return v;
    }
    for (int shift = 0; ; shift += 7) {
      if (pos >= end) {
        error = HpackResult.TRUNCATED;
        return -1;
      }
      int b = in[pos++] & 0xff;
      v += (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      if (shift >= 28) {
        error = HpackResult.INTEGER_OVERFLOW;
        return -1;
      }
    }
    if (v > Integer.MAX_VALUE) {
      error = HpackResult.INTEGER_OVERFLOW;
      return -1;
    }
    return v;
  }

  /**
   * Reads a string literal (RFC 7541 §5.2) into sBuf/sOff/sLen: raw strings in place, Huffman ones
   * decoded into scratch space when {@code decode}, at most {@code max} bytes (sTooLong past that).
   * Returns false on error.
   */
  boolean readString(boolean decode, int max, boolean isName) {
    if (pos >= end) {
      error = HpackResult.TRUNCATED;
      return false;
    }
    boolean huffman = (in[pos] & 0x80) != 0;
    long len = readInt(7);
    if (len < 0) {
      return false;
    }
    if (len > end - pos) {
      error = HpackResult.TRUNCATED;
      return false;
    }
    int start = pos;
    pos += (int) len;
    sTooLong = false;
    if (!huffman) {
      sBuf = in;
      sOff = start;
      sLen = (int) len;
      return true;
    }
    sOff = 0;
    if (!decode) {
      sBuf = null;
      sLen = 0;
      return true;
    }
    int need = Math.min(Math.max(max, 0), Huffman.maxDecodedLength((int) len));
    byte[] dst = isName ? nameScratch : valueScratch;
    if (dst.length < need) {
      dst = new byte[Math.max(need, Math.min(64, max))];
      if (isName) {
        nameScratch = dst;
      } else {
        valueScratch = dst;
      }
    }
    int n = Huffman.decode(in, start, (int) len, dst, 0, need);
    sBuf = dst;
    if (n == Huffman.INVALID) {
      error = HpackResult.HUFFMAN_INVALID;
      return false;
    }
    if (n == Huffman.TOO_LONG) {
      sTooLong = true;
      n = need;
    }
    sLen = n;
    return true;
  }
}
