package io.hybridmesh.agent.kernel;

import java.util.Arrays;
import java.util.List;

/**
 * The arithmetic of the uprobe calibration, apart from any timing: per round, the probed loop minus the
 * unprobed loop of the same length, divided by the calls; then the median over rounds, so that one round
 * the scheduler interrupted does not move the answer. Pure.
 */
final class HitCosts {

  /**
   * A hit above this is not a uprobe's cost but something else (the loop was descheduled for most of a
   * round, the clock stepped): said so, not reported as a number. Bare metal pays ~1-3 µs for the slow
   * kind, this project's KVM guest ~10 µs; 1 ms is two orders of magnitude beyond either.
   */
  static final long ABSURD_NS = 1_000_000;

  private HitCosts() {}

  /**
   * One round of one kind: {@code calls} calls of the probed function took {@code probedNs}, as many of
   * the unprobed twin took {@code plainNs}.
   */
  record Round(long probedNs, long plainNs, int calls) {

    /** Nanoseconds per hit this round, from the difference (may be negative: noise). */
    double perHit() {
      return calls == 0 ? 0 : (double) (probedNs - plainNs) / calls;
    }
  }

  /**
   * The median over rounds, rounded to whole nanoseconds.
   *
   * @param ns per hit, {@link UprobeCost#NOT_MEASURED} when there is no answer
   * @param problem why there is no answer, or what was odd (a negative median, taken as 0); else null
   */
  record Estimate(long ns, String problem) {}

  /** The median per-hit cost of rounds; negative becomes 0 (said so), absurd becomes not measured. */
  static Estimate estimate(String what, List<Round> rounds) {
    if (rounds.isEmpty()) {
      return new Estimate(UprobeCost.NOT_MEASURED, what + ": no rounds");
    }
    double[] perHit = rounds.stream().mapToDouble(Round::perHit).toArray();
    double m = median(perHit);
    if (m < 0) {
      // The probed loop ran faster than the plain one: the cost is below what this clock can see.
      return new Estimate(0, what + ": below the noise (median " + Math.round(m) + " ns), taken as 0");
    }
    if (m > ABSURD_NS) {
      return new Estimate(UprobeCost.NOT_MEASURED, what + ": " + Math.round(m)
          + " ns per hit is absurd (the loop was likely descheduled), not reported");
    }
    return new Estimate(Math.round(m), null);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
