package io.hybridmesh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Timed rounds over running counters, as the streaming benchmarks take them: per round the rate of what the
 * client received, of what was written, and of what was lost; and the median with its spread.
 */
final class Rounds {

  /** Rates per second over one round. */
  record Round(double received, double written, double lost) {}

  /** The median of a few rates, and the smallest and largest. */
  record Spread(double median, double min, double max) {
    static Spread of(List<Double> rates) {
      List<Double> sorted = new ArrayList<>(rates);
      sorted.sort(Double::compare);
      int n = sorted.size();
      double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return new Spread(median, sorted.get(0), sorted.get(n - 1));
    }
  }

  private Rounds() {}

  static List<Round> measure(int rounds, int roundSeconds, LongSupplier received, LongSupplier written,
      LongSupplier lost) throws InterruptedException {
    List<Round> out = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      long r0 = received.getAsLong();
      long w0 = written.getAsLong();
      long l0 = lost.getAsLong();
      long t0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(roundSeconds));
      double secs = (System.nanoTime() - t0) / 1e9;
      out.add(new Round((received.getAsLong() - r0) / secs, (written.getAsLong() - w0) / secs,
          (lost.getAsLong() - l0) / secs));
    }
    return out;
  }

  static Spread received(List<Round> rounds) {
    return Spread.of(rounds.stream().map(Round::received).toList());
  }
}
