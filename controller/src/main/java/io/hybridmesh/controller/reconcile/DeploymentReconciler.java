package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/** Opted-in Deployments. */
public final class DeploymentReconciler extends WorkloadReconciler<Deployment> {
  public DeploymentReconciler(WorkloadSync sync) {
    super(WorkloadKind.DEPLOYMENT, sync);
  }
}
