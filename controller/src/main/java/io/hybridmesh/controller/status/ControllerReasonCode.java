package io.hybridmesh.controller.status;

/**
 * Reason codes the controller adds beside the decision engine's ({@code decision.ReasonCode}): cases where
 * the engine is not asked, or its answer cannot be applied. Stable: tools match on them; never rename one.
 */
public enum ControllerReasonCode {
  /** The workload is in Istio or Linkerd; left alone. */
  OTHER_MESH,
  /** hostNetwork pods: a traffic redirector would capture the node's own traffic. */
  HOST_NETWORK,
  /** An application container has not been probed by an agent yet. */
  PROBE_PENDING,
  /** A knob annotation is invalid and there is no earlier decision to keep. */
  INVALID_ANNOTATION,
  /**
   * The workload's new sidecar configuration failed the check against its sidecars' bootstrap and was not
   * published; beside the deciding reason, not instead of it.
   */
  SIDECAR_CONFIG_REFUSED,
  /**
   * A pod's probe annotation is in a format version newer than this controller reads: the last decision is
   * kept (or the decision waits), and this says why.
   */
  PROBE_FORMAT_UNSUPPORTED,
  /** hybridmesh.io/placement: prefer-capable; decided for the nodes it may run on that can read TLS. */
  PLACEMENT_PREFER_CAPABLE,
  /** prefer-capable, but no node it may run on has reported that it can read TLS: decided for them all. */
  PLACEMENT_NO_CAPABLE_NODE,
  /** Pods the scheduler put on nodes that see less of them than the workload was decided for. */
  PODS_ON_INCAPABLE_NODES
}
