package io.hybridmesh.controller.decision;

import java.util.List;

/**
 * What the engine decided for a workload: its data path, what that path will see at L7, and why.
 * The first reason is the headline.
 */
public record Decision(DataPath dataPath, Visibility visibility, List<Reason> reasons) {

  public Decision {
    reasons = List.copyOf(reasons);
  }

  public enum DataPath {
    EBPF,
    SIDECAR,
    /** Observed by nothing (mode off, or no capable node and no fallback). */
    NONE,
    /** No node facts yet: wait for an agent or a node to report. */
    PENDING
  }

  public enum Visibility {
    /** Requests and responses: method, path, status, latency. */
    FULL,
    /** Connections only: addresses, ports, bytes, states. */
    L4_ONLY,
    /** A sidecar in front of TLS the application does itself: SNI, version and L4, no HTTP. */
    TLS_METADATA_ONLY,
    NONE
  }

  /** A stable code and a sentence a person can act on. */
  public record Reason(ReasonCode code, String message) {}

  public Reason headline() {
    return reasons.get(0);
  }
}
