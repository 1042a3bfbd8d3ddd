package io.hybridmesh.api.v1alpha1;

/** Written by the controller when it creates the report; users do not edit it. */
public class WorkloadCapabilitySpec {

  private WorkloadReference workload;

  public WorkloadReference getWorkload() {
    return workload;
  }

  public void setWorkload(WorkloadReference workload) {
    this.workload = workload;
  }
}
