package io.hybridmesh.agent.metrics;

import java.time.Duration;

/**
 * Bounds of {@link FlowMetrics}.
 *
 * @param maxSeriesPerFamily label sets one metric family may hold; more go to its {@code _overflow} series
 * @param seriesTtl a series not updated for this long is removed (a workload that left, a method no longer
 *     called), so that a scrape does not carry departed workloads forever
 */
public record MetricsOptions(int maxSeriesPerFamily, Duration seriesTtl) {

  public static final MetricsOptions DEFAULT = new MetricsOptions(2000, Duration.ofMinutes(5));

  public MetricsOptions {
    if (maxSeriesPerFamily < 1) {
      throw new IllegalArgumentException("series per metric family must be at least 1, got " + maxSeriesPerFamily);
    }
    if (seriesTtl == null || seriesTtl.isNegative() || seriesTtl.isZero()) {
      throw new IllegalArgumentException("the series expiry must be positive, got " + seriesTtl);
    }
  }
}
