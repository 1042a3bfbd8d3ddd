package io.hybridmesh.controller.status;

import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import java.util.List;

/**
 * What to do for one workload: the status to write, what to do with the sidecar and with the preferred node
 * affinity of {@code hybridmesh.io/placement: prefer-capable}, and the Events that tell a person what changed
 * or what is wrong.
 */
public record Plan(WorkloadCapabilityStatus status, SidecarAction sidecar, AffinityAction affinity,
    List<Note> events) {

  public Plan {
    events = List.copyOf(events);
  }

  public enum SidecarAction {
    INJECT,
    REMOVE,
    /** Leave the pod template as it is (pending or frozen: no churn on uncertain input). */
    LEAVE
  }

  /** The pod template's preferred node affinity to nodes that can read TLS. */
  public enum AffinityAction {
    ADD,
    REMOVE,
    /** Leave it as it is (an invalid knob: no churn on uncertain input). */
    LEAVE
  }

  /** A Kubernetes Event on the workload. */
  public record Note(boolean warning, String reason, String message) {}
}
