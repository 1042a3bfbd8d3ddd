package io.hybridmesh.cli.ui;

/**
 * Latencies in log-linear buckets (8 per power of two, so a percentile is known within 12.5%), in a fixed
 * array of about 1 KiB whatever the number of samples: the map keeps one per edge and reporter.
 * Samples under 1 µs count as 1 µs; over 2^41 ns (about 37 minutes) as that.
 */
final class LatencyHistogram {

  private static final int SUB = 8;
  private static final int MIN_EXP = 10; // 1024 ns
  private static final int MAX_EXP = 41;
  private final int[] counts = new int[(MAX_EXP - MIN_EXP + 1) * SUB];
  private long total;

  void add(long ns) {
    counts[index(ns)]++;
    total++;
  }

  long count() {
    return total;
  }

  /**
   * The upper bound of the bucket holding the q-quantile (0 < q <= 1): at least that share of the samples
   * took at most this long. 0 without samples.
   */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return upperBound(i);
      }
    }
    return upperBound(counts.length - 1);
  }

  static int index(long ns) {
    long v = Math.max(ns, 1L << MIN_EXP);
    int exp = 63 - Long.numberOfLeadingZeros(v);
    if (exp > MAX_EXP) {
      return (MAX_EXP - MIN_EXP + 1) * SUB - 1;
    }
    int sub = (int) ((v >>> (exp - 3)) & (SUB - 1)); // the three bits after the leading one
    return (exp - MIN_EXP) * SUB + sub;
  }

  /** The largest value that falls into bucket {@code i}. */
  static long upperBound(int i) {
    int exp = i / SUB + MIN_EXP;
    int sub = i % SUB;
    long base = 1L << exp;
    return base + (base >>> 3) * (sub + 1) - 1;
  }
}
