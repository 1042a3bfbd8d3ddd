package io.hybridmesh.agent.metrics;

import io.hybridmesh.agent.kernel.UprobeCost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's measured uprobe cost as gauges: {@code hmesh_uprobe_hit_cost_seconds{kind, return}} per hit
 * (kind {@code emulated} or {@code single_stepped}; {@code return="true"} for an entry plus a return probe
 * on the same call), only for what was measured, and {@code hmesh_uprobe_calibration_duration_seconds}.
 * With those a dashboard can turn probe hits into CPU time on this very node.
 */
public final class UprobeCostMetrics {

  static final String HIT_COST = "hmesh_uprobe_hit_cost_seconds";
  static final String DURATION = "hmesh_uprobe_calibration_duration_seconds";

  private UprobeCostMetrics() {}

  /** Adds the gauges; a cost that was not measured at all adds none. */
  public static void register(FlowMetrics metrics, UprobeCost cost) {
    if (cost == null) {
      return;
    }
    Map<List<String>, Double> samples = new LinkedHashMap<>();
    put(samples, "emulated", "false", cost.emulatedNs());
    put(samples, "emulated", "true", cost.emulatedPairNs());
    put(samples, "single_stepped", "false", cost.singleSteppedNs());
    put(samples, "single_stepped", "true", cost.singleSteppedPairNs());
    if (samples.isEmpty()) {
      return;
    }
    metrics.fixedGauge(HIT_COST, "What one uprobe hit costs on this node, measured by the agent at start "
            + "(median): on an instruction the kernel emulates or single-steps; return=true for an entry "
            + "plus a return probe on one call.", List.of("kind", "return"), samples)
        .fixedGauge(DURATION, "How long the agent's uprobe cost calibration took before it had its answer.",
            List.of(), Map.of(List.of(), cost.calibrationMicros() / 1e6));
  }

  private static void put(Map<List<String>, Double> samples, String kind, String ret, long ns) {
    if (ns != UprobeCost.NOT_MEASURED) {
      samples.put(List.of(kind, ret), ns / 1e9);
    }
  }
}
