package io.hybridmesh.api.flow;

import java.util.concurrent.ThreadLocalRandom;

/** Flow ids: UUID version 7 (48-bit Unix milliseconds, then random), so ids sort by time. */
public final class FlowIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private FlowIds() {}

  public static String next(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (epochMillis & 0xffff_ffff_ffffL) << 16 | 0x7000L | (random.nextInt() & 0x0fffL);
    long lsb = (random.nextLong() & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
    char[] out = new char[36];
    int p = hex(out, 0, msb >>> 32, 8);
    out[p++] = '-';
    p = hex(out, p, msb >>> 16, 4);
    out[p++] = '-';
    p = hex(out, p, msb, 4);
    out[p++] = '-';
    p = hex(out, p, lsb >>> 48, 4);
    out[p++] = '-';
    hex(out, p, lsb, 12);
    return new String(out);
  }

  private static int hex(char[] out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    return at + digits;
  }
}
