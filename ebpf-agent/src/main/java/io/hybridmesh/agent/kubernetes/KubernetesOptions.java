package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.api.annotation.ProbeEntry;
import java.time.Duration;
import java.util.function.Function;

/**
 * What {@code hmesh agent --kubernetes} was asked to do.
 *
 * @param nodeName this node's name: pods are selected by it and the NodeCapability is named after it
 * @param rescanInterval how often container processes, interfaces and TLS libraries are looked at again
 * @param tlsHooks how TLS probes are attached to each process, and which tracepoints name their sockets
 * @param plaintext whether plaintext HTTP is read at the watched pods' TCP sockets (the NodeCapability says
 *     so when it is)
 * @param heartbeat how often the NodeCapability is re-written
 * @param probeEntry one element of {@code hmesh probe --output json}; passed in because its verdict comes
 *     from the controller's decision engine, which the agent module does not depend on
 */
public record KubernetesOptions(String nodeName, TcSettings tc, Duration rescanInterval, boolean readTls,
    TlsHooks tlsHooks, PlaintextMode plaintext, Duration heartbeat, Function<ProbeResult, ProbeEntry> probeEntry) {

  public KubernetesOptions {
    if (nodeName == null || nodeName.isBlank()) {
      throw new IllegalArgumentException("Kubernetes mode needs this node's name: --node-name NODE, or "
          + "NODE_NAME in the environment (the DaemonSet sets it from spec.nodeName)");
    }
    if (rescanInterval.isNegative() || rescanInterval.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("--rescan-interval and the heartbeat must be positive");
    }
  }
}
