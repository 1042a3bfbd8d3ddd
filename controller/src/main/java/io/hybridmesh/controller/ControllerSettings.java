package io.hybridmesh.controller;

import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import java.time.Duration;

/**
 * How {@code hmesh controller} runs; every field is a flag.
 *
 * @param defaultFallback what an incapable workload gets when it has no hybridmesh.io/fallback
 * @param leaseName the Lease for leader election, or null to run without (one replica only)
 * @param leaseNamespace where the Lease lives; null for the client's namespace
 * @param exitOnLostLease exit the process when the Lease is lost (a replica that is no longer leader must
 *     stop writing at once; Kubernetes restarts it as a candidate); off in tests that stop in-process
 * @param retryInitial the first retry's delay after a failed reconcile; it doubles up to retryMax, without
 *     a limit on attempts, so an API server that is away for minutes is waited out, not given up on
 */
public record ControllerSettings(Fallback defaultFallback, SidecarConfig sidecar, String leaseName,
    String leaseNamespace, boolean exitOnLostLease, Duration retryInitial, Duration retryMax) {

  public static ControllerSettings defaults() {
    return new ControllerSettings(Fallback.SIDECAR, SidecarConfig.defaults(), "hmesh-controller", null,
        true, Duration.ofSeconds(1), Duration.ofMinutes(1));
  }

  public ControllerSettings withoutLeaderElection() {
    return new ControllerSettings(defaultFallback, sidecar, null, null, false, retryInitial, retryMax);
  }

  public ControllerSettings withLease(String name, String namespace, boolean exitOnLost) {
    return new ControllerSettings(defaultFallback, sidecar, name, namespace, exitOnLost, retryInitial, retryMax);
  }

  public ControllerSettings withRetry(Duration initial, Duration max) {
    return new ControllerSettings(defaultFallback, sidecar, leaseName, leaseNamespace, exitOnLostLease, initial, max);
  }
}
