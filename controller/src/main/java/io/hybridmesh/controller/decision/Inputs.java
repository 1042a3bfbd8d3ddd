package io.hybridmesh.controller.decision;

import java.util.List;
import java.util.Set;

/** Everything the decision depends on; the same inputs always give the same decision. */
public record Inputs(
    Mode mode, Fallback fallback, List<NodeFacts> nodes, List<Container> containers, Set<ProbeKind> supported) {

  public Inputs {
    nodes = List.copyOf(nodes);
    containers = List.copyOf(containers);
    supported = Set.copyOf(supported);
  }

  /** {@code hybridmesh.io/mode}. */
  public enum Mode { AUTO, EBPF, SIDECAR, OFF }

  /** {@code hybridmesh.io/fallback}: what an incapable workload gets. */
  public enum Fallback { SIDECAR, NONE }

  /**
   * One container's TLS linkage, from the binary probe.
   *
   * @param probeKind the probe that would read its TLS (or its plaintext), or null when there is none
   *     (stripped static TLS, JSSE, rustls, unknown)
   * @param targetsResolved whether the probe's functions resolve in the binary
   * @param refusal why the agent will not probe it although its library is one it reads (a Go binary whose
   *     release has no known struct offsets...), or null
   * @param detail what the probe found that a person wants named (for Go: release, how the functions were
   *     found, where the struct offsets came from), or null
   */
  public record Container(String name, String library, ProbeKind probeKind, boolean targetsResolved,
      Refusal refusal, String detail) {

    public Container(String name, String library, ProbeKind probeKind, boolean targetsResolved) {
      this(name, library, probeKind, targetsResolved, null, null);
    }
  }

  /** The agent's own reason for not probing a binary: its stable code and sentence. */
  public record Refusal(ReasonCode code, String message) {}

  /** The kinds of L7 probe the agent may support; the engine is told which it supports today. */
  public enum ProbeKind {
    /** HTTP parsed from the socket's own cleartext. */
    PLAINTEXT,
    OPENSSL,
    BORINGSSL_SYMBOLS,
    GNUTLS,
    NSS,
    GO_CRYPTO_TLS
  }
}
