package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP inside TLS, read by the uprobes on OpenSSL for real: nginx with TLS in one namespace, curl and
 * python clients in the other, both ends watched.
 */
@KernelTest
public class TlsFlowKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  private static final String WRITES_AT_ENTRY = "TLS writes reported at their entry (no return probe)";

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    hosts.startTlsNginx();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, java.util.Map.of(), tlsHooks());
  }

  /**
   * How the probes are attached: session links (Linux 6.13); subclasses run every test with uprobe_multi link
   * pairs, as on kernels 6.6 to 6.12, and with per-site links, as on kernels before 6.6.
   */
  TlsHooks tlsHooks() {
    return new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS);
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @Test
  void keepAliveRequestsFromCurlSeenAtBothEnds() {
    String base = "https://" + TwoHosts.SERVER_V4 + ":8443";
    // Three requests with distinct methods and paths on one keep-alive connection.
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} %{num_connects}\\n", base + "/ok",
        "--next", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{num_connects}\\n", "-X", "POST",
        "-d", "name=x", base + "/created",
        "--next", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{num_connects}\\n", "-X", "DELETE",
        base + "/missing");
    List<String> lines = out.lines().toList();
    assertEquals(3, lines.size(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.startsWith(port + " ")), "one keep-alive connection: " + out);

    Predicate<Flow> thisConnection = f -> f.getType() == FlowType.L7
        && (f.getL4().getTcp().getSourcePort() == port || f.getL4().getTcp().getDestinationPort() == port);
    await().atMost(WAIT).untilAsserted(() ->
        assertEquals(12, sink.flows(thisConnection).size(), sink::dump));

    // nginx reads until SSL_read returns -1 (want read): those calls are counted, never parsed as data.
    assertEquals(0L, agent.counters().get("TLS plaintext not parsed as HTTP/1.x"), agent.counters()::toString);
    assertTrue(agent.counters().get("TLS calls that failed or moved nothing") > 0, agent.counters()::toString);
    // With sessions, nginx's responses (each after a request it read) and curl's later requests are
    // reported at their entry; the pairs and per-site links report every call at its return.
    long atEntry = agent.counters().get(WRITES_AT_ENTRY);
    if (tlsHooks().uprobes() == UprobeLinks.SESSION) {
      assertTrue(atEntry >= 5, agent.counters()::toString);
    } else {
      assertEquals(0L, atEntry, agent.counters()::toString);
    }

    String[][] expected = {{"GET", "/ok", "200"}, {"POST", "/created", "201"}, {"DELETE", "/missing", "404"}};
    for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
      List<Flow> requests = sink.flows(thisConnection.and(f -> f.getReporter() == reporter)
          .and(f -> f.getL7().getType() == L7FlowType.REQUEST));
      List<Flow> responses = sink.flows(thisConnection.and(f -> f.getReporter() == reporter)
          .and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
      assertEquals(3, requests.size());
      assertEquals(3, responses.size());
      for (int i = 0; i < 3; i++) {
        Flow req = requests.get(i);
        Flow resp = responses.get(i);
        assertEquals(expected[i][0], req.getL7().getHttp().getMethod());
        assertEquals(expected[i][1], req.getL7().getHttp().getPath());
        assertEquals("HTTP/1.1", req.getL7().getHttp().getProtocol());
        assertEquals(TwoHosts.SERVER_V4 + ":8443", req.getL7().getHttp().getHost());
        assertEquals(Integer.parseInt(expected[i][2]), resp.getL7().getHttp().getCode());
        assertEquals(expected[i][0], resp.getL7().getHttp().getMethod(), "responses repeat the method");
        assertEquals(expected[i][1], resp.getL7().getHttp().getPath(), "and the path");
        assertTrue(resp.getL7().getLatencyNs() > 0);

        // Requests travel client to server, responses back, with the connection's addresses.
        assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource());
        assertEquals(port, req.getL4().getTcp().getSourcePort());
        assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
        assertEquals(8443, req.getL4().getTcp().getDestinationPort());
        assertEquals(TwoHosts.SERVER_V4, resp.getIp().getSource());
        assertEquals(port, resp.getL4().getTcp().getDestinationPort());
        assertTrue(resp.getIsReply().getValue());
        assertFalse(req.getIsReply().getValue());

        assertEquals(DataPath.EBPF, req.getDataPath());
        assertEquals(EmitterKind.EBPF_UPROBE, req.getEmitter().getKind());
        assertEquals(TlsLibrary.OPENSSL, req.getTls().getLibrary());
        assertEquals("tls-node", req.getNodeName());
        assertEquals(hosts.client.name(), req.getSource().getPodName());
        assertEquals(hosts.server.name(), req.getDestination().getPodName());
        Flow local = reporter == Reporter.CLIENT ? req : resp;
        assertEquals(reporter == Reporter.CLIENT ? "curl" : "nginx", local.getSource().getProcess().getComm());
        assertTrue(local.getSource().getProcess().getPid() > 0);
        assertEquals(reporter == Reporter.CLIENT ? ObservationPoint.SSL_WRITE : ObservationPoint.SSL_READ,
            req.getObservationPoint());
      }
    }
  }

  /**
   * nginx sends an 8 MiB file in 16 KiB writes to a client that reads at 4 MB/s: its socket fills, and writes
   * that would block are retried. A write is reported at its entry only where its socket has room; one
   * reported there and then retried would be reported twice and shift the response's framing, so the request
   * after it on the same connection, and its response, are the proof.
   */
  @Test
  void aBigResponseToASlowReaderKeepsItsConnectionsFraming() {
    String base = "https://" + TwoHosts.SERVER_V4 + ":8443";
    String out = hosts.runProbed(agent::tlsProbesOn, "curl", "-sk", "--limit-rate", "4M", "-o", "/dev/null",
        "-w", "%{local_port} %{size_download}\\n", base + "/files/big",
        "--next", "-sk", "-o", "/dev/null", "-w", "%{local_port} %{size_download}\\n", base + "/ok");
    List<String> lines = out.lines().toList();
    assertEquals(List.of((8 << 20) + "", "3"), lines.stream().map(l -> l.split(" ")[1]).toList(), out);
    int port = Integer.parseInt(lines.get(0).split(" ")[0]);
    assertTrue(lines.stream().allMatch(l -> l.startsWith(port + " ")), "one keep-alive connection: " + out);

    Predicate<Flow> atServer = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.SERVER
        && (f.getL4().getTcp().getSourcePort() == port || f.getL4().getTcp().getDestinationPort() == port);
    await().atMost(WAIT).untilAsserted(() ->
        assertEquals(2, sink.flows(atServer.and(f -> f.getL7().getType() == L7FlowType.RESPONSE)).size(),
            sink::dump));
    List<Flow> responses = sink.flows(atServer.and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
    assertEquals(List.of("/files/big", "/ok"), responses.stream().map(f -> f.getL7().getHttp().getPath()).toList());
    assertEquals(List.of(200, 200), responses.stream().map(f -> f.getL7().getHttp().getCode()).toList());
    assertEquals(2, sink.flows(atServer.and(f -> f.getL7().getType() == L7FlowType.REQUEST)).size(), sink::dump);
    assertEquals(0L, agent.counters().get("TLS plaintext not parsed as HTTP/1.x"), agent.counters()::toString);
  }

  @Test
  void pythonUsesOnlyTheExFormsThroughADlopenedLibrary() {
    // Python 3.10+ calls SSL_write_ex / SSL_read_ex, from _ssl loaded with dlopen after start.
    hosts.client.exec(Duration.ofSeconds(30), "python3", "-c", """
        import http.client, ssl
        ctx = ssl._create_unverified_context()
        c = http.client.HTTPSConnection("%s", 8443, context=ctx)
        for path in ("/ok", "/py-missing"):
            c.request("PUT", path, body=b"hello")
            c.getresponse().read()
        c.close()
        """.formatted(TwoHosts.SERVER_V4));

    Predicate<Flow> python = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.CLIENT
        && f.getL7().getHttp().getMethod().equals("PUT");
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(python).size(), sink::dump));
    List<Flow> responses = sink.flows(python.and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
    assertEquals(200, responses.get(0).getL7().getHttp().getCode());
    assertEquals("/py-missing", responses.get(1).getL7().getHttp().getPath());
    assertEquals(404, responses.get(1).getL7().getHttp().getCode());
    assertTrue(responses.get(0).getDestination().getProcess().getComm().startsWith("python"));
  }

  @Test
  void connectionsOneAfterAnotherInOneProcessEachKeepTheirOwnAddresses() {
    // Each connection's SSL object is freed before the next is made, and the next is allocated where it was
    // (checked: trusting the cache by SSL pointer alone gives every flow the first connection's addresses).
    String out = hosts.client.exec(Duration.ofSeconds(30), "python3", "-c", """
        import http.client, ssl
        ctx = ssl._create_unverified_context()
        for i in range(3):
            c = http.client.HTTPSConnection("%s", 8443, context=ctx)
            c.request("PATCH", "/ok")
            c.getresponse().read()
            print(c.sock.getsockname()[1])
            c.close()
        """.formatted(TwoHosts.SERVER_V4));
    List<Integer> ports = out.lines().map(Integer::parseInt).toList();
    assertEquals(3, ports.stream().distinct().count(), out);
    Predicate<Flow> python = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.CLIENT
        && f.getL7().getHttp().getMethod().equals("PATCH");
    await().atMost(WAIT).untilAsserted(() -> assertEquals(6, sink.flows(python).size(), sink::dump));
    for (int port : ports) {
      List<Flow> flows = sink.flows(python.and(f -> f.getL4().getTcp().getSourcePort() == port
          || f.getL4().getTcp().getDestinationPort() == port));
      assertEquals(2, flows.size(), () -> "request and response on port " + port + ": " + sink.dump());
    }
  }

  @Test
  void aRequestReadWithTheHandshakeStillHasItsAddresses() throws Exception {
    // The client's Finished and its request leave in one segment (TCP_CORK), and the server has read-ahead on
    // (as nginx does): the read that ends its handshake takes the request too, and its SSL_read serves it from
    // the library's buffer without touching the socket. Only SSL_set_fd, probed as the server ties the socket
    // to its SSL object, gives that flow its addresses. Without it the flow had none, or (checked) those of
    // the connection before it: the readiness check's SSL object was freed and this one made in its place.
    int server = hosts.startReadAheadTlsServer();
    await().atMost(WAIT).until(() -> agent.tlsProbesOn(server));
    String out = hosts.client.exec(Duration.ofSeconds(30), "python3", "-c", """
        import socket, ssl
        ctx = ssl._create_unverified_context()
        s = socket.create_connection(("%s", 8445))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        t = ctx.wrap_socket(s, do_handshake_on_connect=False)
        t.do_handshake()
        t.sendall(b"PUT /ok HTTP/1.1\\r\\nHost: cork\\r\\nContent-Length: 0\\r\\n\\r\\n")
        t.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        print(t.recv(12).decode(), t.getsockname()[1])
        """.formatted(TwoHosts.SERVER_V4));
    assertTrue(out.startsWith("HTTP/1.1 200"), out);
    int port = Integer.parseInt(out.trim().split(" ")[2]);
    Predicate<Flow> request = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.SERVER
        && f.getL7().getType() == L7FlowType.REQUEST && f.getL7().getHttp().getMethod().equals("PUT");
    await().atMost(WAIT).untilAsserted(() -> assertEquals(1, sink.flows(request).size(), sink::dump));
    Flow f = sink.flows(request).get(0);
    assertEquals("", f.getCompleteness().getReason(), sink::dump);
    assertEquals(TwoHosts.CLIENT_V4, f.getIp().getSource(), sink::dump);
    assertEquals(port, f.getL4().getTcp().getSourcePort(), sink::dump);
  }

  @Test
  void processesOutsideTheWatchedNamespacesAreNotReported() {
    // The same libssl is probed for every process on the host: a TLS server and client in the root
    // namespace use it too, and must stay invisible.
    String dir = hosts.certificateDirectory().toString();
    hosts.startHere("openssl", "s_server", "-accept", "127.0.0.1:18443", "-cert", dir + "/cert.pem",
        "-key", dir + "/key.pem", "-www", "-quiet");
    await().atMost(WAIT).until(() -> Shell.runUnchecked(Duration.ofSeconds(10),
        List.of("curl", "-sk", "-o", "/dev/null", "https://127.0.0.1:18443/")).ok());
    // The marker: a watched request made after every unwatched one. All events travel through one ring
    // buffer that the agent reads in order, so anything the unwatched requests caused comes before the
    // marker's flows; once those are here, the absence of the others is shown.
    hosts.runProbed(agent::tlsProbesOn, "curl", "-sk", "-o", "/dev/null",
        "https://" + TwoHosts.SERVER_V4 + ":8443/marker");
    Predicate<Flow> marker = f -> f.getType() == FlowType.L7 && f.getL7().getHttp().getPath().equals("/marker");
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(marker).size(),
        "the marker's request and response, at both ends:\n" + sink.dump()));

    List<Flow> l7 = sink.flows(f -> f.getType() == FlowType.L7);
    assertEquals(sink.flows(marker), l7, "no L7 flow but the marker's:\n" + sink.dump());
    assertTrue(sink.flows(f -> true).stream().noneMatch(f -> f.getIp().getSource().startsWith("127.")
        || f.getIp().getDestination().startsWith("127.")), "nothing from the root namespace:\n" + sink.dump());
  }

  @Test
  void aNewProcessIsProbedSoonAfterItStarts() {
    // curl is started from outside the namespace (ip netns exec: its exec is the first the agent hears of
    // it) and makes 16 requests 50 ms apart on one connection. The kernel reports the exec and the agent
    // attaches probes to that process alone; from then on every request is seen, once. The rescan (every
    // 500 ms here) would find it too late for most of them.
    String base = "https://" + TwoHosts.SERVER_V4 + ":8443/r";
    List<String> command = new java.util.ArrayList<>(List.of("curl", "-sk", "--rate", "20/s"));
    for (int i = 0; i < 16; i++) {
      command.addAll(List.of("-o", "/dev/null", base + i));
    }
    hosts.client.exec(Duration.ofSeconds(30), command.toArray(String[]::new));

    Predicate<Flow> requests = f -> f.getType() == FlowType.L7 && f.getL7().getType() == L7FlowType.REQUEST
        && f.getL7().getHttp().getPath().startsWith("/r");
    await().atMost(WAIT).untilAsserted(() -> assertEquals(16,
        sink.flows(requests.and(f -> f.getReporter() == Reporter.SERVER)).size(), sink::dump));
    List<String> seenByCurl = sink.flows(requests.and(f -> f.getReporter() == Reporter.CLIENT)).stream()
        .map(f -> f.getL7().getHttp().getPath()).toList();
    assertEquals(seenByCurl.stream().distinct().count(), seenByCurl.size(), "each request once: " + seenByCurl);
    int first = 16 - seenByCurl.size();
    for (int i = first; i < 16; i++) {
      assertTrue(seenByCurl.contains("/r" + i), "every request after the first seen one: " + seenByCurl);
    }
    assertTrue(first <= 4, "requests from 200 ms after exec on are seen; seen: " + seenByCurl);
  }

  @Test
  void processesOutsideTheWatchedNamespacesCarryNoBreakpoint() throws Exception {
    // The probes are scoped to watched processes: a process elsewhere that maps the same libssl runs its
    // code as it is in the file (no int3 at any probed site), so its TLS costs what it costs without the
    // agent. A watched process carries a breakpoint at every site.
    String dir = hosts.certificateDirectory().toString();
    hosts.startHere("openssl", "s_server", "-accept", "127.0.0.1:18444", "-cert", dir + "/cert.pem",
        "-key", dir + "/key.pem", "-www", "-quiet");
    await().atMost(WAIT).until(() -> Shell.runUnchecked(Duration.ofSeconds(10),
        List.of("curl", "-sk", "-o", "/dev/null", "https://127.0.0.1:18444/")).ok());
    hosts.client.exec("curl", "-sk", "-o", "/dev/null", "https://" + TwoHosts.SERVER_V4 + ":8443/ok");
    int unwatched = pidOf("s_server -accept 127.0.0.1:18444");
    int watched = pidOf(hosts.certificateDirectory() + "/nginx-tls.conf");
    await().atMost(WAIT).until(() -> agent.tlsProbesOn(watched));

    java.nio.file.Path libssl = CodeBytes.mappedFile(watched, "libssl.so");
    List<io.hybridmesh.agent.tls.TlsSite> sites = CodeBytes.sitesOf(libssl);
    assertFalse(sites.isEmpty());
    for (io.hybridmesh.agent.tls.TlsSite site : sites) {
      int inFile = CodeBytes.fileByte(libssl, site.fileOffset());
      assertEquals(0xcc, CodeBytes.processByte(watched, libssl, site.fileOffset()), "breakpoint at " + site);
      assertEquals(inFile, CodeBytes.processByte(unwatched, libssl, site.fileOffset()), "no breakpoint at " + site);
    }
    assertFalse(agent.tlsProbesOn(unwatched));
  }

  private static int pidOf(String commandLine) {
    String out = Shell.runUnchecked(Duration.ofSeconds(5), List.of("pgrep", "-f", "-o", commandLine)).output();
    return Integer.parseInt(out.trim().lines().findFirst().orElseThrow());
  }

  @Test
  void binaryJunkInsideTlsIsCountedAndNothingElseIsLost() {
    // Random bytes through a real TLS connection: the server sees garbage, nginx answers 400 (which is
    // valid HTTP, so only the request direction is junk), and the agent must neither throw nor invent.
    hosts.client.exec(Duration.ofSeconds(20), "sh", "-c",
        "head -c 3000 /dev/urandom | openssl s_client -quiet -connect " + TwoHosts.SERVER_V4
            + ":8443 >/dev/null 2>&1 || true");
    hosts.runProbed(agent::tlsProbesOn, "curl", "-sk", "-o", "/dev/null",
        "https://" + TwoHosts.SERVER_V4 + ":8443/ok");

    await().atMost(WAIT).untilAsserted(() -> {
      assertTrue(agent.counters().get("TLS plaintext not parsed as HTTP/1.x") > 0, agent.counters()::toString);
      assertEquals(2, sink.flows(f -> f.getType() == FlowType.L7 && f.getL7().getHttp().getPath().equals("/ok")
          && f.getL7().getType() == L7FlowType.REQUEST).size(), sink::dump);
    });
    assertTrue(sink.flows(f -> f.getType() == FlowType.L7 && f.getL7().getType() == L7FlowType.REQUEST)
        .stream().allMatch(f -> f.getL7().getHttp().getPath().equals("/ok")), sink::dump);
  }

  @Test
  void nodeWithOpenSslLinkedInStaticallyIsProbedInItsOwnExecutable() {
    // node carries OpenSSL inside /usr/bin/node; the rescan finds the process and probes the executable.
    // It waits before its requests so that a rescan (every 500 ms here) has seen it.
    hosts.client.exec(Duration.ofSeconds(30), "node", "-e", """
        const https = require("https");
        const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
        const get = (path) => new Promise((ok, fail) => https.get({ host: "%s", port: 8443, path,
            agent, rejectUnauthorized: false }, (res) => { res.resume(); res.on("end", ok); }).on("error", fail));
        setTimeout(async () => { await get("/ok"); await get("/node-missing"); agent.destroy(); }, 2000);
        """.formatted(TwoHosts.SERVER_V4));

    Predicate<Flow> fromNode = f -> f.getType() == FlowType.L7 && f.getReporter() == Reporter.CLIENT
        && (f.getSource().getProcess().getComm().equals("node")
            || f.getDestination().getProcess().getComm().equals("node"));
    await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(fromNode).size(), sink::dump));
    List<Flow> responses = sink.flows(fromNode.and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
    assertEquals(200, responses.get(0).getL7().getHttp().getCode());
    assertEquals(404, responses.get(1).getL7().getHttp().getCode());
    assertEquals("/node-missing", responses.get(1).getL7().getHttp().getPath());
  }
}
