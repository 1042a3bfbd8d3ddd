package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.standalone.GoPeers.Build;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Go's crypto/tls read from the kernel for real: a Go HTTPS server (net/http, ListenAndServeTLS) built here
 * with Debian's Go, plain, stripped, PIE and with BoringCrypto, in one namespace; curl (HTTP/1.1 and HTTP/2)
 * and a Go client in the other; both ends watched. Every request is one L7 flow at the Go end, with its method,
 * path and status, and the 5-tuple of the TCP connection the TC programs report.
 */
@KernelTest
public class GoTlsKernelIT {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final int PORT = 9443;
  static final String BASE = "https://" + TwoHosts.SERVER_V4 + ":" + PORT;

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws Exception {
    hosts = new TwoHosts();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), tlsHooks());
  }

  /** How the probes are attached; a subclass runs every test as kernels before 6.6 would (a link per site). */
  TlsHooks tlsHooks() {
    return new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS);
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  /** Starts the Go server in the server namespace and waits until it answers and carries its probes. */
  static Process startGoServer(TwoHosts hosts, StandaloneAgent agent, Path binary, String... env) throws Exception {
    Path cert = hosts.certificate();
    String[] cmd = new String[env.length + 5];
    cmd[0] = "env";
    System.arraycopy(env, 0, cmd, 1, env.length);
    cmd[env.length + 1] = binary.toString();
    cmd[env.length + 2] = ":" + PORT;
    cmd[env.length + 3] = cert.resolve("cert.pem").toString();
    cmd[env.length + 4] = cert.resolve("key.pem").toString();
    Process p = hosts.startInServer(cmd);
    hosts.awaitHttps(BASE + "/ok");
    int pid = goPid(p);
    await("probes on the Go server").atMost(WAIT).until(() -> agent.tlsProbesOn(pid));
    return p;
  }

  /** ip netns exec and env exec in place: the process started is the Go program. */
  static int goPid(Process p) {
    return (int) p.pid();
  }

  static Predicate<Flow> l7On(int clientPort) {
    return f -> f.getType() == FlowType.L7
        && (f.getL4().getTcp().getSourcePort() == clientPort || f.getL4().getTcp().getDestinationPort() == clientPort);
  }

  static Predicate<Flow> by(Reporter r, L7FlowType t) {
    return f -> f.getReporter() == r && f.getL7().getType() == t;
  }

  @ParameterizedTest
  @EnumSource(Build.class)
  void curlOverHttp11SeenByTheGoServer(Build build) throws Exception {
    Process server = startGoServer(hosts, agent, GoPeers.server(build));
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "--http1.1", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} %{http_version}\\n", BASE + "/ok",
        "--next", "--http1.1", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_version}\\n",
        "-X", "POST", "-d", "x=1", BASE + "/created");
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.equals(port + " 1.1")), "one HTTP/1.1 connection: " + out);

    String comm = server.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("server");
    Predicate<Flow> goEnd = l7On(port).and(f -> f.getReporter() == Reporter.SERVER);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(goEnd).size(), sink::dump));
    List<Flow> requests = sink.flows(goEnd.and(by(Reporter.SERVER, L7FlowType.REQUEST)));
    List<Flow> responses = sink.flows(goEnd.and(by(Reporter.SERVER, L7FlowType.RESPONSE)));
    assertEquals(List.of("GET /ok", "POST /created"), requests.stream()
        .map(f -> f.getL7().getHttp().getMethod() + " " + f.getL7().getHttp().getPath()).toList());
    assertEquals(List.of(200, 201), responses.stream().map(f -> f.getL7().getHttp().getCode()).toList());
    for (Flow f : sink.flows(goEnd)) {
      assertEquals(TlsLibrary.GO_CRYPTO_TLS, f.getTls().getLibrary(), f.toString());
      assertEquals("HTTP/1.1", f.getL7().getHttp().getProtocol());
      assertEquals(goPid(server), f.getL7().getType() == L7FlowType.REQUEST ? f.getDestination().getProcess().getPid()
          : f.getSource().getProcess().getPid());
    }
    Flow req = requests.get(0);
    assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource());
    assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
    assertEquals(port, req.getL4().getTcp().getSourcePort());
    assertEquals(PORT, req.getL4().getTcp().getDestinationPort());
    assertTrue(comm.startsWith(req.getDestination().getProcess().getComm()), comm + " vs " + req);
    assertJoinsItsConnection(port);
    assertEquals(0L, agent.counters().getOrDefault("TLS plaintext not parsed as HTTP/1.x", 0L), agent.counters()::toString);
  }

  @Test
  void curlOverHttp2SeenByTheGoServer() throws Exception {
    startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "--http2", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} %{http_version}\\n", BASE + "/ok",
        "--next", "--http2", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{http_version}\\n", BASE + "/nope");
    List<String> lines = out.lines().toList();
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.equals(port + " 2")), "one HTTP/2 connection: " + out);
    Predicate<Flow> goEnd = l7On(port).and(f -> f.getReporter() == Reporter.SERVER);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(goEnd).size(), sink::dump));
    List<Flow> requests = sink.flows(goEnd.and(by(Reporter.SERVER, L7FlowType.REQUEST)));
    List<Flow> responses = sink.flows(goEnd.and(by(Reporter.SERVER, L7FlowType.RESPONSE)));
    assertEquals(List.of("GET /ok", "GET /nope"), requests.stream()
        .map(f -> f.getL7().getHttp().getMethod() + " " + f.getL7().getHttp().getPath()).toList());
    assertEquals(List.of(200, 404), responses.stream().map(f -> f.getL7().getHttp().getCode()).toList());
    for (Flow f : sink.flows(goEnd)) {
      assertEquals("HTTP/2", f.getL7().getHttp().getProtocol());
      assertEquals(TlsLibrary.GO_CRYPTO_TLS, f.getTls().getLibrary());
      assertFalse(f.hasCompleteness(), "seen from the preface: " + f);
    }
    assertEquals(PORT, requests.get(0).getL4().getTcp().getDestinationPort());
    assertJoinsItsConnection(port);
  }

  @Test
  void pythonAgainstTheGoServer() throws Exception {
    startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    // Python's ssl module (OpenSSL, loaded with dlopen), two requests on one keep-alive connection.
    String out = hosts.runProbed(agent::tlsProbesOn, "python3", "-c", """
        import http.client, ssl
        c = http.client.HTTPSConnection("%s", %d, context=ssl._create_unverified_context())
        for path in ("/ok", "/nope"):
            c.request("GET", path)
            r = c.getresponse()
            r.read()
            print(c.sock.getsockname()[1], r.status)
        """.formatted(TwoHosts.SERVER_V4, PORT));
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    Predicate<Flow> goEnd = l7On(port).and(f -> f.getReporter() == Reporter.SERVER);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(goEnd).size(), sink::dump));
    assertEquals(List.of(200, 404), sink.flows(goEnd.and(by(Reporter.SERVER, L7FlowType.RESPONSE))).stream()
        .map(f -> f.getL7().getHttp().getCode()).toList());
    assertTrue(sink.flows(goEnd).stream().allMatch(f -> f.getTls().getLibrary() == TlsLibrary.GO_CRYPTO_TLS));
    // Python's own end, through OpenSSL.
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)
        .and(f -> f.getReporter() == Reporter.CLIENT && f.getTls().getLibrary() == TlsLibrary.OPENSSL)).size()));
  }

  @Test
  void aGoClientAgainstTheGoServerSeenAtBothEnds() throws Exception {
    startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    Process client = hosts.startInClient(GoPeers.client(Build.PIE).toString(), BASE + "/ok?x=1", "1", "3");
    List<String[]> done = GoPeers.requests(hosts.release(client, agent::tlsProbesOn));
    assertEquals(3, done.size());
    int port = Integer.parseInt(done.get(0)[0]);
    assertTrue(done.stream().allMatch(r -> r[0].equals(String.valueOf(port)) && r[1].equals("200")
        && r[2].equals("HTTP/1.1")), "three requests on one keep-alive connection");
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      Predicate<Flow> end = l7On(port).and(f -> f.getReporter() == reporter);
      await().atMost(WAIT).untilAsserted(() -> assertEquals(6, sink.flows(end).size(), reporter + "\n" + sink.dump()));
      List<Flow> requests = sink.flows(end.and(by(reporter, L7FlowType.REQUEST)));
      assertEquals(3, requests.size());
      for (int i = 0; i < 3; i++) {
        assertEquals("/ok", requests.get(i).getL7().getHttp().getPath());
        assertTrue(requests.get(i).getL7().getHttp().getUrl().contains("i=" + i), requests.get(i).toString());
        assertEquals(TlsLibrary.GO_CRYPTO_TLS, requests.get(i).getTls().getLibrary());
        assertEquals(port, requests.get(i).getL4().getTcp().getSourcePort());
      }
    }
    assertJoinsItsConnection(port);
  }

  @Test
  void aGoClientAgainstNginx() throws Exception {
    hosts.startTlsNginx();
    Process client = hosts.startInClient(GoPeers.client(Build.STRIPPED).toString(),
        "https://" + TwoHosts.SERVER_V4 + ":8443/ok?x=1", "1", "2");
    List<String[]> done = GoPeers.requests(hosts.release(client, agent::tlsProbesOn));
    assertEquals(2, done.size());
    int port = Integer.parseInt(done.get(0)[0]);
    Predicate<Flow> goEnd = l7On(port).and(f -> f.getReporter() == Reporter.CLIENT);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(goEnd).size(), sink::dump));
    for (Flow f : sink.flows(goEnd)) {
      assertEquals(TlsLibrary.GO_CRYPTO_TLS, f.getTls().getLibrary());
      assertEquals(8443, f.getL7().getType() == L7FlowType.REQUEST ? f.getL4().getTcp().getDestinationPort()
          : f.getL4().getTcp().getSourcePort());
    }
    List<Flow> responses = sink.flows(goEnd.and(by(Reporter.CLIENT, L7FlowType.RESPONSE)));
    assertEquals(List.of(200, 200), responses.stream().map(f -> f.getL7().getHttp().getCode()).toList());
    // nginx's own end, through OpenSSL, sees the same connection.
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)
        .and(f -> f.getReporter() == Reporter.SERVER && f.getTls().getLibrary() == TlsLibrary.OPENSSL)).size()));
  }

  @Test
  void aGoBinaryThatAlsoLinksOpenSslThroughCgoIsReadBothWays() throws Exception {
    startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    Path bin = GoPeers.cgoOpenSsl();
    ProbeResult probe = new BinaryProber().probeFile(bin);
    assertEquals(List.of(TlsLibraryKind.GO_CRYPTO_TLS, TlsLibraryKind.OPENSSL),
        probe.libraries().stream().map(io.hybridmesh.agent.probe.binary.TlsLibrary::kind).toList(), probe.toString());
    Process p = hosts.startInClient(bin.toString(), TwoHosts.SERVER_V4 + ":" + PORT);
    String out = hosts.release(p, agent::tlsProbesOn);
    assertTrue(out.contains("go ") && out.contains("openssl "), out);
    int pid = (int) p.pid();
    Predicate<Flow> mine = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.CLIENT
        && f.getL7().getType() == L7FlowType.REQUEST && f.getSource().getProcess().getPid() == pid;
    await().atMost(WAIT).untilAsserted(() -> assertEquals(2, sink.flows(mine).size(), sink::dump));
    Map<TlsLibrary, String> byLibrary = new java.util.HashMap<>();
    sink.flows(mine).forEach(f -> byLibrary.put(f.getTls().getLibrary(), f.getL7().getHttp().getUrl()));
    assertTrue(byLibrary.get(TlsLibrary.GO_CRYPTO_TLS).contains("via=go"), byLibrary.toString());
    assertTrue(byLibrary.get(TlsLibrary.OPENSSL).contains("via=openssl"), byLibrary.toString());
  }

  /** The L3/L4 flows of the TC programs carry the same 5-tuple as the L7 ones. */
  void assertJoinsItsConnection(int clientPort) {
    await().atMost(WAIT).untilAsserted(() -> assertFalse(sink.flows(f -> f.getType() == FlowType.L3_L4
        && f.getIp().getSource().equals(TwoHosts.CLIENT_V4) && f.getL4().getTcp().getSourcePort() == clientPort
        && f.getL4().getTcp().getDestinationPort() != 0).isEmpty(), "an L3/L4 flow of port " + clientPort));
  }
}
