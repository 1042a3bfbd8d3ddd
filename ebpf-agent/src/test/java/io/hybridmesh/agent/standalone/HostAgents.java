package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.jni.NativeBpf;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Standalone agents watching both namespaces of a {@link TwoHosts}, as the kernel tests run them: a small
 * connection table and a report every 5 s, so that tests see flows end in seconds. Each is started; the
 * test closes it.
 */
final class HostAgents {

  private HostAgents() {}

  /** Reads TLS as {@code hooks} say; its flows into {@code sink}. */
  static StandaloneAgent tls(TwoHosts hosts, FlowSink sink, Map<String, Endpoint> identities, TlsHooks hooks) {
    return started(new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "tls-node", settings(), Duration.ofMillis(500), true,
        identities, hooks), sink));
  }

  /**
   * Reads plaintext at the sockets as {@code plaintext} says and TLS with the newest hooks when
   * {@code readTls}; the socket hooks detach (with {@link PlaintextMode#AUTO}) after 30 s without HTTP.
   */
  static StandaloneAgent plaintext(TwoHosts hosts, FlowSink sink, boolean readTls, PlaintextMode plaintext) {
    return plaintext(hosts, sink, readTls, plaintext, Duration.ofSeconds(30), TlsHooks.AUTO);
  }

  /** The same, detaching after {@code idle}, with the hooks {@code hooks} names (they read the plaintext too). */
  static StandaloneAgent plaintext(TwoHosts hosts, FlowSink sink, boolean readTls, PlaintextMode plaintext,
      Duration idle, TlsHooks hooks) {
    return started(new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "plain-node", settings().withPlaintextIdle(idle),
        Duration.ofMillis(500), readTls, Map.of(), hooks, plaintext), sink));
  }

  /** A 4 MiB ring, 4,096 connections, a report every 5 s, TCP idle after 60 s, other flows after 5 s. */
  private static TcSettings settings() {
    return new TcSettings(1 << 22, 4096, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5));
  }

  private static StandaloneAgent started(StandaloneAgent agent) {
    agent.start();
    return agent;
  }
}
