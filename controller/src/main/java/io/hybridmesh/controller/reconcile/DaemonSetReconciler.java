package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;

/** Opted-in DaemonSets. */
public final class DaemonSetReconciler extends WorkloadReconciler<DaemonSet> {
  public DaemonSetReconciler(WorkloadSync sync) {
    super(WorkloadKind.DAEMON_SET, sync);
  }
}
