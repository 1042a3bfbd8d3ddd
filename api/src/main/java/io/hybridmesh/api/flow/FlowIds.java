package io.hybridmesh.api.flow;

import java.util.concurrent.ThreadLocalRandom;

/** Flow ids: UUID version 7 (48-bit Unix milliseconds, then random), so ids sort by time. */
public final class FlowIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private FlowIds() {}

  public static String next(long epochMillis) {
    return of(epochMillis, ThreadLocalRandom.current().nextLong());
  }

  /**
   * The id of a flow whose random part was drawn earlier ({@link #random()}): so that a flow built later, by
   * whichever thread reads it first, has the id it was given when it happened. The 74 random bits of the
   * format come from 64 (rand_a is the top 12 bits of {@code random}, rand_b its low 62), plenty against
   * collisions within a millisecond.
   */
  public static String of(long epochMillis, long random) {
    long msb = (epochMillis & 0xffff_ffff_ffffL) << 16 | 0x7000L | (random >>> 52);
    long lsb = (random & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
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

  /** Random bits for {@link #of}. */
  public static long random() {
    return ThreadLocalRandom.current().nextLong();
  }

  private static int hex(char[] out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xf)];
      value >>>= 4;
    }
    return at + digits;
  }
}
