package io.hybridmesh.agent.http2;

/**
 * The HPACK Huffman code (RFC 7541 Appendix B), decode side. The code is canonical: codes of one length
 * are consecutive and ordered by symbol, and each length starts where the previous left off, shifted.
 * So the code lengths below determine every code; the tests check the derived codes against the RFC's.
 * Decoding looks up the next 8 bits for the short codes and otherwise finds the length by comparing the
 * next 30 bits with each length's upper limit.
 */
final class Huffman {

  private Huffman() {}

  /** Decoding failed: the EOS symbol, padding longer than 7 bits, or padding that is not all ones. */
  static final int INVALID = -1;
  /** The decoded string would be longer than the caller allowed; decoding stopped there. */
  static final int TOO_LONG = -2;

  static final int EOS = 256;
  private static final int MAX_LEN = 30;

  /** Code length in bits of each symbol 0..255 and EOS (256), from RFC 7541 Appendix B. */
  static final byte[] LENGTHS = {
    13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0x00
    28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 0x10
    6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, //          ' ' .. '/'
    5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, //               '0' .. '?'
    13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, //                 '@' .. 'O'
    7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, //              'P' .. '_'
    15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, //                 '`' .. 'o'
    6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, //             'p' .. 0x7f
    20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 0x80
    24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 0x90
    22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 0xa0
    21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 0xb0
    26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 0xc0
    19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 0xd0
    20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 0xe0
    26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 0xf0
    30, //                                                              EOS
  };

  /** Each symbol's code, right-aligned (derived from {@link #LENGTHS}). */
  static final int[] CODES = new int[257];
  /** Symbols ordered by (length, symbol): the canonical order. */
  private static final short[] SORTED = new short[257];
  /** For each length: index in SORTED of its first symbol, its first code, and the limit (30-bit aligned). */
  private static final int[] OFFSET = new int[MAX_LEN + 1];
  private static final int[] FIRST = new int[MAX_LEN + 1];
  private static final long[] LIMIT = new long[MAX_LEN + 2];
  /** Top 8 bits to (symbol << 8 | length) for codes of at most 8 bits; 0 otherwise. */
  private static final int[] FAST = new int[256];
  private static final int MIN_LEN;

  static {
    int n = 0;
    int min = MAX_LEN;
    for (int len = 1; len <= MAX_LEN; len++) {
      for (int s = 0; s <= EOS; s++) {
        if (LENGTHS[s] == len) {
          SORTED[n++] = (short) s;
          min = Math.min(min, len);
        }
      }
    }
    MIN_LEN = min;
    int code = 0;
    int i = 0;
    for (int len = 1; len <= MAX_LEN; len++) {
      OFFSET[len] = i;
      FIRST[len] = code;
      while (i < n && LENGTHS[SORTED[i]] == len) {
        CODES[SORTED[i]] = code++;
        i++;
      }
      LIMIT[len] = (long) code << (MAX_LEN - len);
      code <<= 1;
    }
    LIMIT[MAX_LEN + 1] = Long.MAX_VALUE;
    for (int s = 0; s <= EOS; s++) {
      int len = LENGTHS[s];
      if (len <= 8) {
        int top = CODES[s] << (8 - len);
        for (int j = 0; j < 1 << (8 - len); j++) {
          FAST[top | j] = s << 8 | len;
        }
      }
    }
  }

  /**
   * Decodes [off, off+len) of {@code src} into {@code dst} from {@code dstOff}, at most {@code max} bytes.
   * Returns the decoded length, {@link #INVALID} or {@link #TOO_LONG}; never throws on any input.
   */
  static int decode(byte[] src, int off, int len, byte[] dst, int dstOff, int max) {
    long acc = 0; // bits, right-aligned
    int bits = 0;
    int p = off;
    int end = off + len;
    int out = 0;
    while (true) {
      while (bits <= 56 && p < end) {
        acc = acc << 8 | (src[p++] & 0xff);
        bits += 8;
      }
      if (bits == 0) {
        return out;
      }
      if (p == end && bits <= 7 && (acc & ((1L << bits) - 1)) == (1L << bits) - 1) {
        return out; // padding: the most significant bits of EOS
      }
      int sym;
      int len8;
      int top8 = (int) (bits >= 8 ? acc >>> (bits - 8) : acc << (8 - bits) | (0xff >> bits)) & 0xff;
      int fast = FAST[top8];
      if (fast != 0) {
        sym = fast >>> 8;
        len8 = fast & 0xff;
      } else {
        long v = bits >= MAX_LEN ? (acc >>> (bits - MAX_LEN)) & ((1L << MAX_LEN) - 1)
            : ((acc << (MAX_LEN - bits)) | ((1L << (MAX_LEN - bits)) - 1)) & ((1L << MAX_LEN) - 1);
        int l = 9;
        while (v >= LIMIT[l]) {
          l++;
        }
        if (l > MAX_LEN) {
          return INVALID;
        }
        sym = SORTED[OFFSET[l] + (int) ((v >>> (MAX_LEN - l)) - FIRST[l])];
        len8 = l;
      }
      if (len8 > bits || sym == EOS) {
        return INVALID; // a code cut by the end (padding that is not EOS's prefix), or EOS itself
      }
      if (out >= max) {
        return TOO_LONG;
      }
      dst[dstOff + out++] = (byte) sym;
      bits -= len8;
      acc &= bits == 0 ? 0 : (1L << bits) - 1;
    }
  }

  /** The shortest code, 5 bits: a string of n bytes decodes to at most n * 8 / 5 symbols. */
  static int maxDecodedLength(int encodedLength) {
    return (int) Math.min(Integer.MAX_VALUE, (long) encodedLength * 8 / MIN_LEN);
  }
}
