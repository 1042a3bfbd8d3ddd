package io.hybridmesh.agent.standalone;

import static io.hybridmesh.agent.standalone.CollectingSink.l7On;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.l7.TcHttpFlowAssembler;
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
 * Plaintext HTTP/1.x read by the TC programs for real ({@code --plaintext tc}): nginx in plaintext in one
 * namespace, curl and Python clients in the other, both ends watched, no socket program loaded. Each end's
 * interface reads the exchanges it carries: the request's first bytes, the response's status, the latency.
 */
@KernelTest
class TcHttpKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts("hmtc", "hmts");
    hosts.startPlainNginx(200_000);
    sink = new CollectingSink(0);
    agent = HostAgents.plaintext(hosts, sink, false, PlaintextMode.TC);
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @Test
  void keepAliveRequestsReadAtBothEndsInterfaces() {
    String base = "http://" + TwoHosts.SERVER_V4 + ":8081";
    String w = "%{local_port} %{http_code}\\n";
    // Four requests on one keep-alive connection: a POST with a body, a 200 kB answer, a 404.
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "-s", "-o", "/dev/null", "-w", w, base + "/ok",
        "--next", "-s", "-o", "/dev/null", "-w", w, "-X", "POST", "-d", "name=x", base + "/created",
        "--next", "-s", "-o", "/dev/null", "-w", w, base + "/file?user=alice",
        "--next", "-s", "-o", "/dev/null", "-w", w, "-X", "DELETE", base + "/missing");
    List<String> lines = out.lines().toList();
    assertEquals(4, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);

    Predicate<Flow> thisConnection = l7On(port);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(16, sink.flows(thisConnection).size(), sink::dump));
    String[][] expected = {{"GET", "/ok", "200", "/ok"}, {"POST", "/created", "201", "/created"},
        {"GET", "/file", "200", "/file?user=alice"}, {"DELETE", "/missing", "404", "/missing"}};
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
        // The Host header fits in the head's first bytes: the URL is whole.
        assertEquals(base + expected[i][3], req.getL7().getHttp().getUrl());
        assertEquals("curl/", req.getL7().getHttp().getUserAgent().substring(0, 5));
        assertEquals(Integer.parseInt(expected[i][2]), resp.getL7().getHttp().getCode());
        assertEquals(expected[i][1], resp.getL7().getHttp().getPath(), "responses repeat the path");
        assertTrue(resp.getL7().getLatencyNs() > 0);
        assertTrue(resp.getTime().getSeconds() * 1_000_000_000L + resp.getTime().getNanos()
            >= req.getTime().getSeconds() * 1_000_000_000L + req.getTime().getNanos(), "the answer after the ask");
        assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource());
        assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
        assertEquals(port, req.getL4().getTcp().getSourcePort());
        assertEquals(8081, req.getL4().getTcp().getDestinationPort());
        assertEquals(TwoHosts.SERVER_V4, resp.getIp().getSource());
        assertEquals(8081, resp.getL4().getTcp().getSourcePort());
        for (Flow f : List.of(req, resp)) {
          assertEquals(DataPath.EBPF, f.getDataPath());
          assertEquals(EmitterKind.EBPF_TC, f.getEmitter().getKind());
          assertFalse(f.hasTls());
          if (i == 1) {
            // curl's POST head (content type and length) runs past the bytes kept: its last headers are not read.
            assertFalse(f.getCompleteness().getTruncated(), f::toString);
            assertEquals(TcHttpFlowAssembler.HEAD_START_ONLY, f.getCompleteness().getReason());
          } else {
            assertFalse(f.hasCompleteness(), "a short head, read whole: " + f);
          }
        }
        boolean client = reporter == Reporter.CLIENT;
        assertEquals(client ? ObservationPoint.FROM_ENDPOINT : ObservationPoint.TO_ENDPOINT,
            req.getObservationPoint());
        assertEquals(client ? ObservationPoint.TO_ENDPOINT : ObservationPoint.FROM_ENDPOINT,
            resp.getObservationPoint());
      }
    }
    assertFalse(agent.counters().containsKey("socket calls"), "no socket program: " + agent.counters());
    assertEquals(8L, agent.counters().get("HTTP exchanges read at TC"), agent.counters()::toString);
  }

  @Test
  void aLongTargetIsCutAndSaysSoAndABodyIsNeverARequest() {
    String longPath = "/" + "a".repeat(200);
    String out = hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import socket, time
        s = socket.create_connection(("%1$s", 8081))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"GET %2$s HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n")
        print(s.recv(65536).split(b"\\r\\n")[0].decode())
        body = b"GET /not-a-request HTTP/1.1\\r\\n\\r\\n"
        s.sendall(b"POST /created HTTP/1.1\\r\\nHost: h\\r\\nContent-Length: %%d\\r\\n\\r\\n" %% len(body))
        time.sleep(0.2)
        s.sendall(body)
        print(s.recv(65536).split(b"\\r\\n")[0].decode(), s.getsockname()[1])
        s.close()
        """.formatted(TwoHosts.SERVER_V4, longPath));
    List<String> lines = out.lines().toList();
    assertEquals("HTTP/1.1 404 Not Found", lines.get(0), out);
    int port = Integer.parseInt(lines.get(1).split(" ")[3]);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(8, sink.flows(l7On(port)).size(), sink::dump));
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      List<Flow> requests = sink.l7(l7On(port), reporter, L7FlowType.REQUEST);
      Flow cut = requests.get(0);
      assertEquals("GET", cut.getL7().getHttp().getMethod());
      assertTrue(longPath.startsWith(cut.getL7().getHttp().getPath()), cut::toString);
      assertTrue(cut.getL7().getHttp().getPath().length() > 100, cut::toString);
      assertTrue(cut.getCompleteness().getTruncated(), cut::toString);
      assertEquals(TcHttpFlowAssembler.HEAD_START_ONLY, cut.getCompleteness().getReason());
      assertEquals("/created", requests.get(1).getL7().getHttp().getPath(), "the body was not taken for one");
      assertEquals(201, sink.l7(l7On(port), reporter, L7FlowType.RESPONSE).get(1).getL7().getHttp().getCode());
    }
  }

  @Test
  void aPipelinedRequestIsCountedNotPairedWithTheWrongAnswer() {
    // A server that reads two requests before it answers either: the second began while the first waited.
    hosts.startInServer("python3", "-c", """
        import socket
        srv = socket.create_server(("0.0.0.0", 9200))
        while True:
            c, _ = srv.accept()
            data = b""
            while data.count(b"\\r\\n\\r\\n") < 2:
                data += c.recv(4096)
            c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok")
            c.sendall(b"HTTP/1.1 404 Not Found\\r\\nContent-Length: 2\\r\\n\\r\\nno")
            c.close()
        """);
    await().atMost(WAIT).ignoreExceptions().until(() -> hosts.server.exec("ss", "-H", "-tln", "sport = :9200")
        .contains("9200"));
    String out = hosts.client.exec(Duration.ofSeconds(20), "python3", "-c", """
        import socket, time
        s = socket.create_connection(("%s", 9200))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"GET /first HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n")
        time.sleep(0.1)
        s.sendall(b"GET /second HTTP/1.1\\r\\nHost: h\\r\\n\\r\\n")
        got = b""
        while got.count(b"HTTP/1.1") < 2:
            got += s.recv(4096)
        print(s.getsockname()[1])
        """.formatted(TwoHosts.SERVER_V4));
    int port = Integer.parseInt(out.trim());
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(l7On(port)).size(), sink::dump));
    await().atMost(WAIT).until(() -> agent.counters().get("pipelined HTTP requests not read at TC") >= 2);
    for (Flow f : sink.flows(l7On(port))) {
      assertEquals("/first", f.getL7().getHttp().getPath(), f::toString);
      if (f.getL7().getType() == L7FlowType.RESPONSE) {
        assertEquals(200, f.getL7().getHttp().getCode(), "the first answer, to the first request");
      }
    }
  }

  @Test
  void h2cIsLeftAlone() {
    String out = hosts.client.exec(Duration.ofSeconds(20), "curl", "--http2-prior-knowledge", "-s", "-o",
        "/dev/null", "-w", "%{local_port} %{http_version}", "http://" + TwoHosts.SERVER_V4 + ":8082/ok");
    assertTrue(out.trim().endsWith(" 2"), out);
    int port = Integer.parseInt(out.trim().split(" ")[0]);
    // The connection is seen at L3/L4; no L7 flow is made up from HTTP/2 frames.
    await().atMost(WAIT).until(() -> !sink.flows(f -> f.getType() == FlowType.L3_L4
        && f.getL4().getTcp().getSourcePort() == port).isEmpty());
    assertEquals(List.of(), sink.flows(l7On(port)));
    assertEquals(0L, agent.counters().get("HTTP exchanges read at TC, not parsed"), agent.counters()::toString);
  }
}
