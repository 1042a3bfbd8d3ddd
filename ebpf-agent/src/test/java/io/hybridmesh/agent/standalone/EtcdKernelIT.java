package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real Go server nobody here wrote: Debian's etcd (built by Debian with its Go, stripped, serving HTTP/1.1,
 * HTTP/2 and gRPC on one TLS port through cmux), queried over HTTPS by curl. Its crypto/tls is found through
 * the function table, its Reads are taken at their deferred unlock, and every request curl makes is one flow
 * at etcd's end with method, path, status and the connection's 5-tuple.
 */
@KernelTest
public class EtcdKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int PORT = 2379;
  private static final String BASE = "https://" + TwoHosts.SERVER_V4 + ":" + PORT;

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws Exception {
    hosts = new TwoHosts("hmec", "hmes");
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  static Path etcd() throws Exception {
    Path etcd = Path.of("/usr/bin/etcd");
    assertTrue(Files.isExecutable(etcd), "etcd is missing: scripts/install-deps.sh installs etcd-server");
    return etcd.toRealPath();
  }

  @Test
  void debiansEtcdReadOverHttp11AndHttp2() throws Exception {
    ProbeResult probe = new BinaryProber().probeFile(etcd());
    UprobeTarget unlock = probe.uprobeTargets().stream()
        .filter(t -> t.symbol().startsWith("crypto/tls.(*Conn).Read.")).findFirst().orElse(null);
    assertNotNull(unlock, "Read's deferred unlock among the targets: " + probe.uprobeTargets());

    Path cert = hosts.certificate();
    Path data = Files.createTempDirectory("hm-etcd");
    Process etcd = hosts.startInServer(etcd().toString(), "--name", "t", "--data-dir", data.toString(),
        "--listen-client-urls", BASE, "--advertise-client-urls", BASE,
        "--cert-file", cert.resolve("cert.pem").toString(), "--key-file", cert.resolve("key.pem").toString(),
        "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
        "--initial-cluster", "t=http://127.0.0.1:2380", "--log-level", "warn");
    hosts.awaitHttps(BASE + "/version");
    int pid = (int) etcd.pid(); // ip netns exec execs etcd in place
    await("probes on etcd").atMost(WAIT).until(() -> agent.tlsProbesOn(pid));

    // One HTTP/1.1 connection: the version, a put and a range through etcd's JSON gateway; then HTTP/2.
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "--http1.1", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} %{http_version} %{http_code}\\n", BASE + "/version",
        "--next", "--http1.1", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_version} %{http_code}\\n",
        "-X", "POST", "-d", "{\"key\":\"Zm9v\",\"value\":\"YmFy\"}", BASE + "/v3/kv/put",
        "--next", "--http1.1", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_version} %{http_code}\\n",
        "-X", "POST", "-d", "{\"key\":\"Zm9v\"}", BASE + "/v3/kv/range");
    List<String> lines = out.lines().toList();
    assertEquals(3, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.equals(port + " 1.1 200")), "one HTTP/1.1 connection: " + out);
    Predicate<Flow> etcdEnd = GoTlsKernelIT.l7On(port).and(f -> f.getReporter() == Reporter.SERVER);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(6, sink.flows(etcdEnd).size(), () -> l7(sink)));
    assertEquals(List.of("GET /version", "POST /v3/kv/put", "POST /v3/kv/range"),
        sink.flows(etcdEnd.and(GoTlsKernelIT.by(Reporter.SERVER, L7FlowType.REQUEST))).stream()
            .map(f -> f.getL7().getHttp().getMethod() + " " + f.getL7().getHttp().getPath()).toList());
    assertEquals(List.of(200, 200, 200), sink.flows(etcdEnd.and(GoTlsKernelIT.by(Reporter.SERVER,
        L7FlowType.RESPONSE))).stream().map(f -> f.getL7().getHttp().getCode()).toList());
    for (Flow f : sink.flows(etcdEnd)) {
      assertEquals(TlsLibrary.GO_CRYPTO_TLS, f.getTls().getLibrary(), f.toString());
      assertEquals("HTTP/1.1", f.getL7().getHttp().getProtocol());
      assertEquals(TwoHosts.CLIENT_V4, f.getL7().getType() == L7FlowType.REQUEST ? f.getIp().getSource()
          : f.getIp().getDestination());
    }

    String h2 = hosts.runProbed(agent::tlsProbesOn, "curl", "--http2", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} %{http_version} %{http_code}\\n", BASE + "/version");
    int port2 = Integer.parseInt(h2.trim().split(" ")[0]);
    assertTrue(h2.trim().endsWith(" 2 200"), h2);
    Predicate<Flow> h2End = GoTlsKernelIT.l7On(port2).and(f -> f.getReporter() == Reporter.SERVER);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(2, sink.flows(h2End).size(), () -> l7(sink)));
    for (Flow f : sink.flows(h2End)) {
      assertEquals("HTTP/2", f.getL7().getHttp().getProtocol());
      assertFalse(f.hasCompleteness(), "seen from the preface: " + f);
    }
    assertEquals("/version", sink.flows(h2End.and(GoTlsKernelIT.by(Reporter.SERVER, L7FlowType.REQUEST))).get(0)
        .getL7().getHttp().getPath());
  }

  /** Every L7 flow, one line each: what a failure needs to be read. */
  private static String l7(CollectingSink sink) {
    StringBuilder b = new StringBuilder();
    for (Flow f : sink.flows(f -> f.getType() == io.hybridmesh.api.flow.v1.FlowType.L7)) {
      b.append(f.getReporter()).append(' ').append(f.getL4().getTcp().getSourcePort()).append("->")
          .append(f.getL4().getTcp().getDestinationPort()).append(' ').append(f.getL7().getType()).append(' ')
          .append(f.getL7().getHttp().getProtocol()).append(' ').append(f.getL7().getHttp().getMethod()).append(' ')
          .append(f.getL7().getHttp().getPath()).append(' ').append(f.getL7().getHttp().getCode()).append(' ')
          .append(f.getCompleteness().getReason()).append('\n');
    }
    return b.toString();
  }
}
