package io.hybridmesh.agent.kernel;

import java.time.Instant;
import java.util.Locale;

/**
 * What one uprobe hit costs on this node, measured (see {@link UprobeCostCalibration}): nanoseconds per
 * hit, medians over rounds, for a probed instruction the kernel emulates and for one it single-steps, with
 * an entry probe alone and with an entry plus a return probe ("pair"). A value is {@link #NOT_MEASURED}
 * when it could not be measured or came out absurd; {@code note} then says why.
 *
 * @param calibrationMicros how long the whole calibration took, loading and detaching included
 * @param note why something is missing or odd, or null when everything was measured
 */
public record UprobeCost(
    long emulatedNs,
    long singleSteppedNs,
    long emulatedPairNs,
    long singleSteppedPairNs,
    String kernelRelease,
    Instant measuredAt,
    long calibrationMicros,
    String note) {

  public static final long NOT_MEASURED = -1;

  /** Nothing measured, and why: no root, no BPF, another architecture ... */
  public static UprobeCost notMeasured(String why, String kernelRelease, Instant at, long calibrationMicros) {
    return new UprobeCost(NOT_MEASURED, NOT_MEASURED, NOT_MEASURED, NOT_MEASURED, kernelRelease, at,
        calibrationMicros, why);
  }

  /** Whether at least the two entry costs were measured. */
  public boolean measured() {
    return emulatedNs != NOT_MEASURED && singleSteppedNs != NOT_MEASURED;
  }

  /** Whether any of the four was measured. */
  public boolean anyMeasured() {
    return emulatedNs != NOT_MEASURED || singleSteppedNs != NOT_MEASURED || emulatedPairNs != NOT_MEASURED
        || singleSteppedPairNs != NOT_MEASURED;
  }

  /** One line for logs and the CLI. */
  public String describe() {
    if (!anyMeasured()) {
      return "uprobe cost not measured: " + note;
    }
    return "uprobe hit on an emulated instruction " + micros(emulatedNs) + " (entry+return "
        + micros(emulatedPairNs) + "), on a single-stepped one " + micros(singleSteppedNs) + " (entry+return "
        + micros(singleSteppedPairNs) + "); measured in " + String.format(Locale.ROOT, "%.1f ms",
        calibrationMicros / 1000.0) + (note == null ? "" : "; " + note);
  }

  static String micros(long ns) {
    return ns == NOT_MEASURED ? "not measured" : String.format(Locale.ROOT, "%.2f µs", ns / 1000.0);
  }
}
