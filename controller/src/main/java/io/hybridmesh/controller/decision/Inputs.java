package io.hybridmesh.controller.decision;

import io.hybridmesh.api.annotation.ObservedPorts;
import java.util.List;
import java.util.Set;

/**
 * Everything the decision depends on; the same inputs always give the same decision.
 *
 * @param observed what the workload's TCP connections began with, by port, as the agents saw them while its pods
 *     were on the eBPF path ({@link ObservedPorts#NONE} before any)
 */
public record Inputs(Mode mode, Fallback fallback, List<NodeFacts> nodes, List<Container> containers,
    Set<ProbeKind> supported, ObservedPorts observed) {

  public Inputs {
    nodes = List.copyOf(nodes);
    containers = List.copyOf(containers);
    supported = Set.copyOf(supported);
    observed = observed == null ? ObservedPorts.NONE : observed;
  }

  /** Inputs with nothing observed of the workload's connections. */
  public Inputs(
      Mode mode, Fallback fallback, List<NodeFacts> nodes, List<Container> containers, Set<ProbeKind> supported) {
    this(mode, fallback, nodes, containers, supported, ObservedPorts.NONE);
  }

  /**
   * Whether every connection seen began in plaintext, with HTTP among them: then a container whose TLS the
   * agent cannot read does not use it on the wire, and the socket hooks read its HTTP. Not when the agents
   * stopped adding ports (a port past the bound could be TLS).
   */
  public boolean onlyPlaintextHttpSeen() {
    return !observed.truncated() && observed.anyHttp() && !observed.anyTls();
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
