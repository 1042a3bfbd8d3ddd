package io.hybridmesh.agent.standalone;

import static io.hybridmesh.agent.standalone.CollectingSink.l7On;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plaintext HTTP read at the sockets for real: nginx in plaintext (HTTP/1.1 and h2c) in one namespace, curl
 * in the other, both ends watched by an agent with {@code --plaintext on} (and TLS read too, so that a TLS
 * connection on the same agent shows it is read once, by the TLS probes). The plaintext is read at the
 * socket tracepoints here; {@link PlaintextFlowOldestKernelIT} runs the same with the syscall hooks older
 * kernels get.
 */
@KernelTest
public class PlaintextFlowKernelIT {

  /** The hooks under test: the socket tracepoints, named rather than left to auto. */
  protected TlsHooks hooks() {
    return new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS);
  }

  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    hosts.startPlainNginx(200_000);
    sink = new CollectingSink(0);
    agent = HostAgents.plaintext(hosts, sink, true, PlaintextMode.ON, Duration.ofSeconds(30), hooks());
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @Test
  void keepAliveHttp11RequestsSeenAtBothEndsWithTheirConnection() {
    String base = "http://" + TwoHosts.SERVER_V4 + ":8081";
    String w = "%{local_port} %{num_connects} %{http_code}\\n";
    // Four requests on one keep-alive connection; the third's 200 kB body goes by sendfile, uncaptured, and
    // the fourth is still read in step after it.
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", w, base + "/ok",
        "--next", "-s", "-o", "/dev/null", "-w", w, "-X", "POST", "-d", "name=x", base + "/created",
        "--next", "-s", "-o", "/dev/null", "-w", w, base + "/file",
        "--next", "-s", "-o", "/dev/null", "-w", w, "-X", "DELETE", base + "/missing");
    List<String> lines = out.lines().toList();
    assertEquals(4, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.startsWith(port + " ")), "one keep-alive connection: " + out);

    Predicate<Flow> thisConnection = l7On(port);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(16, sink.flows(thisConnection).size(), sink::dump));

    String[][] expected = {{"GET", "/ok", "200"}, {"POST", "/created", "201"}, {"GET", "/file", "200"},
        {"DELETE", "/missing", "404"}};
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      List<Flow> requests = sink.l7(thisConnection, reporter, L7FlowType.REQUEST);
      List<Flow> responses = sink.l7(thisConnection, reporter, L7FlowType.RESPONSE);
      assertEquals(4, requests.size(), sink::dump);
      assertEquals(4, responses.size(), sink::dump);
      for (int i = 0; i < 4; i++) {
        Flow req = requests.get(i);
        Flow resp = responses.get(i);
        assertEquals(expected[i][0], req.getL7().getHttp().getMethod());
        assertEquals(expected[i][1], req.getL7().getHttp().getPath());
        assertEquals("HTTP/1.1", req.getL7().getHttp().getProtocol());
        assertEquals("http://" + TwoHosts.SERVER_V4 + ":8081" + expected[i][1], req.getL7().getHttp().getUrl());
        assertEquals(Integer.parseInt(expected[i][2]), resp.getL7().getHttp().getCode());
        assertEquals(expected[i][1], resp.getL7().getHttp().getPath(), "responses repeat the path");
        assertTrue(resp.getL7().getLatencyNs() > 0);
        // The connection's 5-tuple, oriented as the message travelled.
        assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource());
        assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
        assertEquals(port, req.getL4().getTcp().getSourcePort());
        assertEquals(8081, req.getL4().getTcp().getDestinationPort());
        assertEquals(TwoHosts.SERVER_V4, resp.getIp().getSource());
        assertEquals(8081, resp.getL4().getTcp().getSourcePort());
        for (Flow f : List.of(req, resp)) {
          assertEquals(DataPath.EBPF, f.getDataPath());
          assertEquals(EmitterKind.EBPF_TRACEPOINT, f.getEmitter().getKind());
          assertFalse(f.hasTls(), "plaintext flows carry no TLS record");
          assertFalse(f.hasCompleteness(), "seen from the first byte: all known");
        }
        boolean local = reporter == Reporter.CLIENT;
        assertEquals(local ? ObservationPoint.SOCKET_WRITE : ObservationPoint.SOCKET_READ,
            req.getObservationPoint());
        assertEquals(local ? "curl" : "nginx", (local ? req.getSource() : req.getDestination()).getProcess()
            .getComm());
      }
    }
    // The same connection at L3/L4, from the TC programs: the L7 flows join it by its 5-tuple.
    await().atMost(WAIT).until(() -> !sink.flows(f -> f.getType() == FlowType.L3_L4
        && f.getL4().getTcp().getSourcePort() == port && f.getL4().getTcp().getDestinationPort() == 8081
        && f.getIp().getSource().equals(TwoHosts.CLIENT_V4)).isEmpty());
    assertEquals(0L, agent.counters().get("socket plaintext not parsed as HTTP"), agent.counters()::toString);
    // Both ends' sockets closed with curl's exit: their verdicts go with them, the table keeps live sockets.
    await().atMost(WAIT).until(() -> agent.socketVerdicts() == 0);
  }

  @Test
  void h2cWithPriorKnowledgeReadAsHttp2() {
    String base = "http://" + TwoHosts.SERVER_V4 + ":8082";
    // curl 7.88 sends nothing on a reused h2c connection (--next, or a second URL), so it makes one request;
    // nghttp (prior knowledge for http:// too) makes two concurrent streams on one connection.
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "--http2-prior-knowledge", "-s", "-o",
        "/dev/null", "-w", "%{local_port} %{http_version}", "-X", "DELETE", base + "/missing");
    assertTrue(out.trim().endsWith(" 2"), "HTTP/2: " + out);
    int curlPort = Integer.parseInt(out.trim().split(" ")[0]);
    hosts.client.exec(Duration.ofSeconds(20), "nghttp", base + "/ok", base + "/created");

    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(curlPort)).size(), sink::dump));
    Predicate<Flow> nghttp = f -> f.getType() == FlowType.L7 && f.getL4().getTcp().getSourcePort() != curlPort
        && f.getL4().getTcp().getDestinationPort() != curlPort
        && (f.getL4().getTcp().getDestinationPort() == 8082 || f.getL4().getTcp().getSourcePort() == 8082);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(8, sink.flows(nghttp).size(), sink::dump));
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      Flow req = sink.l7(l7On(curlPort), reporter, L7FlowType.REQUEST).get(0);
      Flow resp = sink.l7(l7On(curlPort), reporter, L7FlowType.RESPONSE).get(0);
      assertEquals("HTTP/2", req.getL7().getHttp().getProtocol());
      assertEquals("DELETE", req.getL7().getHttp().getMethod());
      assertEquals("/missing", req.getL7().getHttp().getPath());
      assertEquals(404, resp.getL7().getHttp().getCode());
      assertEquals("/missing", resp.getL7().getHttp().getPath(), "the response repeats the path");
      assertFalse(req.hasCompleteness() || resp.hasCompleteness(), "seen from the preface: all known");
      assertEquals(EmitterKind.EBPF_TRACEPOINT, req.getEmitter().getKind());
      assertEquals(curlPort, req.getL4().getTcp().getSourcePort());
      assertEquals(8082, req.getL4().getTcp().getDestinationPort());

      List<Flow> responses = sink.l7(nghttp, reporter, L7FlowType.RESPONSE);
      assertEquals(2, responses.size(), sink::dump);
      assertEquals(java.util.Set.of("/ok 200", "/created 201"), responses.stream()
          .map(f -> f.getL7().getHttp().getPath() + " " + f.getL7().getHttp().getCode())
          .collect(java.util.stream.Collectors.toSet()), sink::dump);
      assertTrue(responses.stream().allMatch(f -> "HTTP/2".equals(f.getL7().getHttp().getProtocol())));
    }
    assertEquals(4L, agent.counters().get("connections read as HTTP/2"), "curl's, nghttp's and nginx's ends: "
        + agent.counters());
  }

  @Test
  void tlsOnTheSameAgentIsReadOnceByTheTlsProbes() throws IOException {
    hosts.startTlsNginx();
    String base = "https://" + TwoHosts.SERVER_V4 + ":8443";
    String w = "%{local_port} %{num_connects}\\n";
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "-sk", "-o", "/dev/null", "-w", w, base + "/ok",
        "--next", "-sk", "-o", "/dev/null", "-w", w, "-X", "DELETE", base + "/missing");
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);

    Predicate<Flow> thisConnection = l7On(port);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(8, sink.flows(thisConnection).size(), sink::dump));
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      assertEquals(2, sink.l7(thisConnection, reporter, L7FlowType.REQUEST).size(), sink::dump);
      assertEquals(2, sink.l7(thisConnection, reporter, L7FlowType.RESPONSE).size(), sink::dump);
    }
    assertTrue(sink.flows(thisConnection).stream().allMatch(f -> f.getEmitter().getKind() == EmitterKind.EBPF_UPROBE
        && (f.getObservationPoint() == ObservationPoint.SSL_READ
        || f.getObservationPoint() == ObservationPoint.SSL_WRITE)), "every flow from the TLS probes");
    // Both ends' sockets began with a TLS record: classified, left to the probes, never sent as socket data.
    await().atMost(WAIT).until(() -> agent.counters().get("sockets left to the TLS probes (TLS records)") >= 2);
    assertEquals(0L, agent.counters().get("socket plaintext not parsed as HTTP"), agent.counters()::toString);
  }

  /**
   * {@code --plaintext auto} on a node that goes quiet: the socket hooks are detached after the idle time, the
   * TC programs count the next connection that opens with plaintext HTTP (and one that opens with TLS apart),
   * and that count attaches the hooks again, so the requests that follow are read.
   */
  @Test
  void autoDetachesTheHooksWhenIdleAndAttachesThemAgainAtPlaintextHttp() throws IOException {
    agent.close();
    agent = HostAgents.plaintext(hosts, sink, true, PlaintextMode.AUTO, Duration.ofSeconds(2), hooks());
    hosts.startTlsNginx();
    assertEquals(1L, agent.counters().get("socket hooks attached"), "attached as the namespaces are watched");
    await().atMost(WAIT).until(() -> agent.counters().get("socket hooks attached") == 0L);
    assertEquals(0L, agent.counters().get("TCP connections opened with plaintext HTTP"));

    // TLS does not bring them back: its first bytes are a record header, counted apart.
    hosts.client.exec(Duration.ofSeconds(20), "curl", "-sk", "-o", "/dev/null",
        "https://" + TwoHosts.SERVER_V4 + ":8443/ok");
    await().atMost(WAIT).until(() -> agent.counters().get("TCP connections opened with TLS") >= 2);
    assertEquals(0L, agent.counters().get("socket hooks attached"), agent.counters()::toString);

    // Plaintext HTTP does. The first connection's requests may be missed (before the next housekeeping).
    String url = "http://" + TwoHosts.SERVER_V4 + ":8081/ok";
    hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", url);
    await().atMost(WAIT).until(() -> agent.counters().get("socket hooks attached") == 1L);
    assertTrue(agent.counters().get("TCP connections opened with plaintext HTTP") >= 2, agent.counters()::toString);
    assertEquals(1L, agent.counters().get("socket hooks attached again on plaintext HTTP"));
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", "%{local_port}",
        url);
    int port = Integer.parseInt(out.trim());
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)).size(), sink::dump));
  }

  @Test
  void garbageOnAWatchedPortIsCountedAndMakesNoFlow() {
    hosts.startTcpSink();
    // Binary bytes (not a TLS record header), then a line that starts like a request but is none.
    hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import socket
        s = socket.create_connection(("%s", 9100))
        s.sendall(bytes((i * 37 + 11) %% 256 for i in range(20000)))
        s.close()
        s = socket.create_connection(("%s", 9100))
        s.sendall(b"HELLO THERE\\r\\n" + b"\\x01\\x02garbage\\r\\n\\r\\n" * 50)
        s.close()
        """.formatted(TwoHosts.SERVER_V4, TwoHosts.SERVER_V4));
    await().atMost(WAIT).until(() -> agent.counters().get("socket plaintext not parsed as HTTP") >= 2);
    assertTrue(sink.flows(f -> f.getType() == FlowType.L7 && (f.getL4().getTcp().getDestinationPort() == 9100
        || f.getL4().getTcp().getSourcePort() == 9100)).isEmpty(), sink::dump);
    // Still reading: a real request after the garbage is seen.
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w",
        "%{local_port}", "http://" + TwoHosts.SERVER_V4 + ":8081/ok");
    int port = Integer.parseInt(out.trim());
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)).size(), sink::dump));
  }

  @Test
  void bytesSplicedIntoASocketAreCountedWhereTheHooksSeeThemAndNeverMisread() {
    // splice(2) from a pipe into the socket: the socket tracepoints run for the send, but the call's buffer
    // is a pipe's, not in the caller's registers: counted, not read. The syscall hooks never see it.
    String out = hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import os, socket
        s = socket.create_connection(("%s", 8081))
        req = b"GET /ok HTTP/1.1\\r\\nHost: spliced\\r\\nConnection: close\\r\\n\\r\\n"
        r, w = os.pipe()
        os.write(w, req)
        os.splice(r, s.fileno(), len(req))
        print(s.recv(4096).split(b"\\r\\n")[0].decode())
        s.close()
        """.formatted(TwoHosts.SERVER_V4));
    assertEquals("HTTP/1.1 200 OK", out.trim());
    String counter = "socket calls through io_uring, splice or *mmsg (not read)";
    if (hooks().sockets() == SocketHooks.SOCKET_TRACEPOINTS) {
      await().atMost(WAIT).until(() -> agent.counters().get(counter) >= 1);
    } else {
      assertEquals(0L, agent.counters().get(counter), agent.counters()::toString);
    }
    // The server read the request with recv: its flow is there, with the request line the client spliced.
    await().atMost(WAIT).untilAsserted(() -> assertEquals(1, sink.flows(f -> f.getType() == FlowType.L7
        && f.getL7().getType() == L7FlowType.REQUEST && f.getL7().getHttp().getUrl().contains("spliced")
        && f.getObservationPoint() == ObservationPoint.SOCKET_READ).size(), sink::dump));
  }

  @Test
  void aDescriptorReusedForANewConnectionReportsTheNewConnection() {
    // One process, three connections one after the other on the same descriptor number, a regular file read
    // on that descriptor between them: the programs' descriptor cache must follow each reuse.
    String out = hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import os, socket
        for i in range(3):
            s = socket.create_connection(("%s", 8081))
            s.sendall(b"GET /ok HTTP/1.1\\r\\nHost: h\\r\\nConnection: close\\r\\n\\r\\n")
            while s.recv(4096):
                pass
            print(s.fileno(), s.getsockname()[1])
            s.close()
            fd = os.open("/etc/hostname", os.O_RDONLY)
            os.read(fd, 64)
            os.close(fd)
        """.formatted(TwoHosts.SERVER_V4));
    List<String[]> connections = out.lines().map(l -> l.split(" ")).toList();
    assertEquals(3, connections.size(), out);
    assertEquals(1, connections.stream().map(c -> c[0]).distinct().count(), "one descriptor number: " + out);
    for (String[] c : connections) {
      int port = Integer.parseInt(c[1]);
      await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)).size(), sink::dump));
      for (Flow request : sink.l7(l7On(port), Reporter.CLIENT, L7FlowType.REQUEST)) {
        assertEquals(port, request.getL4().getTcp().getSourcePort(), request::toString);
        assertEquals("/ok", request.getL7().getHttp().getPath());
        assertTrue(request.getSource().getProcess().getComm().startsWith("python"), request::toString);
      }
    }
    assertEquals(12, sink.flows(f -> f.getType() == FlowType.L7).size(), "nothing else, the file's bytes "
        + "not at all: " + sink.dump());
  }
}
