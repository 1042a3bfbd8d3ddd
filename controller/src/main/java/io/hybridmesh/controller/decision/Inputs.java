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
   */
  public record Container(String name, String library, ProbeKind probeKind, boolean targetsResolved) {}

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
