package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.standalone.GoPeers.Build;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Requirements;
import io.hybridmesh.jni.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The releases of the struct-offset table that no source on this machine documents (go1.22, go1.23, go1.24),
 * proven on real stripped binaries built with them: kubectl as the machine image carries it, running
 * {@code kubectl proxy} in the client namespace, which forwards plaintext requests from curl over HTTPS to the
 * Go server. kubectl's own L7 flows must carry the 5-tuple of its socket, which only right offsets give: the
 * same connection the Go server (go1.19) reports and the TC programs see.
 */
@KernelTest
public class GoReleasesKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PROXY = "127.0.0.1:18001";

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws Exception {
    hosts = new TwoHosts();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"kubectl.1.27:go1.22", "kubectl:go1.23", "kubectl.1.33:go1.24"})
  void kubectlsOwnConnectionIsNamedByItsOffsets(String binaryAndRelease) throws Exception {
    String[] parts = binaryAndRelease.split(":");
    Path kubectl = Path.of("/usr/lib/google-cloud-sdk/bin", parts[0]);
    Requirements.requireFile(kubectl);
    // kubectl proxy asks the server for /version as it starts, before the agent can have probed it: started
    // while no server listens, its first connection to the server is made under the probes, from the start
    // (an HTTP/2 connection seen mid-stream has lost its header table, so its paths are unknown).
    Path home = Files.createTempDirectory("hm-kubectl-home");
    Process proxy = hosts.startInClient("env", "HOME=" + home, kubectl.toString(), "proxy", "--server="
        + GoTlsKernelIT.BASE, "--insecure-skip-tls-verify=true", "--token=test", "--kubeconfig=/dev/null",
        "--address=127.0.0.1", "--port=" + PROXY.split(":")[1]);
    int pid = (int) proxy.pid();
    await("probes on kubectl proxy").atMost(WAIT).until(() -> agent.tlsProbesOn(pid));
    GoTlsKernelIT.startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    await("kubectl proxy listening").atMost(WAIT).until(() -> Shell.runUnchecked(Duration.ofSeconds(10),
        List.of("ip", "netns", "exec", hosts.client.name(), "curl", "-sf", "-o", "/dev/null",
            "http://" + PROXY + "/ok")).ok());
    hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "http://" + PROXY + "/ok?second");

    Predicate<Flow> kubectlEnd = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.CLIENT
        && f.getTls().getLibrary() == TlsLibrary.GO_CRYPTO_TLS;
    await().atMost(WAIT).untilAsserted(() -> assertTrue(sink.flows(kubectlEnd.and(f -> f.getL7().getType()
        == L7FlowType.RESPONSE)).size() >= 2, () -> l7(sink) + agent.counters()));
    List<Flow> responses = sink.flows(kubectlEnd.and(f -> f.getL7().getType() == L7FlowType.RESPONSE
        && f.getL7().getHttp().getPath().equals("/ok")));
    assertFalse(responses.isEmpty(), sink::dump);
    for (Flow r : responses) {
      assertEquals(200, r.getL7().getHttp().getCode(), r.toString());
      assertEquals("GET", r.getL7().getHttp().getMethod());
      assertEquals(TwoHosts.SERVER_V4, r.getIp().getSource(), "the reply comes from the server: " + r);
      assertEquals(GoTlsKernelIT.PORT, r.getL4().getTcp().getSourcePort());
      assertEquals(pid, r.getDestination().getProcess().getPid());
      int port = r.getL4().getTcp().getDestinationPort();
      assertTrue(port > 0, "kubectl's socket named: " + r);
      // The Go server saw the same connection from its end, and the TC programs carried it.
      await().atMost(WAIT).untilAsserted(() -> assertFalse(sink.flows(GoTlsKernelIT.l7On(port)
          .and(f -> f.getReporter() == Reporter.SERVER)).isEmpty(), () -> l7(sink) + agent.counters()));
      await().atMost(WAIT).untilAsserted(() -> assertFalse(sink.flows(f -> f.getType() == FlowType.L3_L4
          && f.getL4().getTcp().getSourcePort() == port).isEmpty()));
    }
    assertTrue(sink.flows(kubectlEnd).stream().allMatch(f -> f.getL4().getTcp().getSourcePort() > 0),
        "every kubectl flow has its tuple");
  }

  /** The L7 flows, one line each, for a failure's message. */
  static String l7(CollectingSink sink) {
    StringBuilder b = new StringBuilder();
    sink.flows(f -> f.getType() == FlowType.L7).forEach(f -> b.append(f.getReporter()).append(' ')
        .append(f.getTls().getLibrary()).append(' ').append(f.getL7().getType()).append(' ')
        .append(f.getL4().getTcp().getSourcePort()).append("->").append(f.getL4().getTcp().getDestinationPort())
        .append(' ').append(f.getL7().getHttp().getMethod()).append(' ').append(f.getL7().getHttp().getUrl())
        .append(' ').append(f.getL7().getHttp().getCode()).append(' ').append(f.getL7().getHttp().getProtocol())
        .append(f.hasCompleteness() ? " incomplete: " + f.getCompleteness().getReason() : "").append('\n'));
    return b.toString();
  }
}
