package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;

/** Opted-in StatefulSets. */
public final class StatefulSetReconciler extends WorkloadReconciler<StatefulSet> {
  public StatefulSetReconciler(WorkloadSync sync) {
    super(WorkloadKind.STATEFUL_SET, sync);
  }
}
