package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.api.flow.v1.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@code hmesh agent --standalone} was asked to do.
 *
 * @param namespaces names of the network namespaces to watch
 * @param nodeName the node name flows carry
 * @param rescanInterval how often interfaces, addresses and TLS libraries of the namespaces are looked
 *     at again
 * @param readTls whether to read HTTP inside TLS with uprobes, besides the L3/L4 connections
 * @param identities who each network namespace is (namespace, pod, workload, labels), by its name;
 *     a namespace not named here is an endpoint whose pod name is the namespace's name
 * @param tlsHooks how TLS probes are attached to each process, and which tracepoints name their sockets
 * @param plaintext whether plaintext HTTP is read at the namespaces' TCP sockets
 */
public record StandaloneOptions(List<String> namespaces, String nodeName, TcSettings tc,
    Duration rescanInterval, boolean readTls, Map<String, Endpoint> identities, TlsHooks tlsHooks,
    PlaintextMode plaintext) {

  public StandaloneOptions {
    if (namespaces.isEmpty()) {
      throw new IllegalArgumentException("name at least one network namespace to watch (--netns NAME)");
    }
    namespaces = List.copyOf(namespaces);
    identities = Map.copyOf(identities);
  }

  /** Plaintext not read (the tests of the other paths count their flows without it). */
  public StandaloneOptions(List<String> namespaces, String nodeName, TcSettings tc, Duration rescanInterval,
      boolean readTls, Map<String, Endpoint> identities, TlsHooks tlsHooks) {
    this(namespaces, nodeName, tc, rescanInterval, readTls, identities, tlsHooks, PlaintextMode.OFF);
  }

  public StandaloneOptions(List<String> namespaces, String nodeName, TcSettings tc, Duration rescanInterval,
      boolean readTls, Map<String, Endpoint> identities) {
    this(namespaces, nodeName, tc, rescanInterval, readTls, identities, TlsHooks.AUTO);
  }

  public StandaloneOptions(
      List<String> namespaces, String nodeName, TcSettings tc, Duration rescanInterval, boolean readTls) {
    this(namespaces, nodeName, tc, rescanInterval, readTls, Map.of());
  }
}
