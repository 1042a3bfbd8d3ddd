package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.Linkage;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.Reason;
import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gRPC inside TLS read by the uprobes for real, in a TLS library loaded after its process started: a
 * grpc-java server and client (Netty, netty-tcnative's BoringSSL, which Netty extracts to a temporary
 * file, loads and deletes) in two namespaces, both ends watched. The prober finds SSL_write and SSL_read
 * in the library's .symtab through {@code /proc/PID/map_files}; the agent's rescan of the processes' maps
 * puts probes on it.
 *
 * <p>Netty hands BoringSSL memory buffers, never the socket, so a TLS call makes no socket I/O and the
 * kernel cannot tell its connection: these L7 flows carry the process, not the addresses, and say so
 * ({@code completeness.reason} {@value L7FlowAssembler#NO_SOCKET}, counted as "L7 flows without their
 * connection"); the connection itself shows at L3/L4. Their {@code tls.library} is BoringSSL, what was probed.
 */
@KernelTest
public class GrpcTlsFlowKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SERVICE = "hmesh.peer.v1.Echo";

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;
  private GrpcPeers peers;
  private int serverPid;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
    peers = new GrpcPeers(hosts);
    serverPid = peers.startServer(agent);
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    if (peers != null) {
      peers.close();
    }
    hosts.close();
  }

  @Test
  void unaryStreamingAndFailingCallsEachGiveOneFlowWithTheirGrpcStatus() {
    ProbeResult probed = new BinaryProber().probeProcess(serverPid);
    assertNull(probed.error(), probed.toString());
    assertEquals(TlsLibraryKind.BORINGSSL, probed.library(), probed.toString());
    assertEquals(Linkage.DLOPEN, probed.linkage(), probed.toString());
    assertTrue(probed.reasons().stream().map(Reason::code).anyMatch("UPROBE_TARGETS_OK"::equals), probed.toString());
    UprobeTarget write = probed.uprobeTargets().stream().filter(t -> t.symbol().equals("SSL_write")).findFirst()
        .orElseThrow();
    assertTrue(write.isResolved() && GrpcPeers.isTcnative(write.file()), "SSL_write in the deleted, mapped "
        + "library, read through map_files: " + write);

    List<String> out = peers.runClient(agent, "say=hello", "fail=nothing-here", "count=3", "chat=3");
    assertEquals(List.of("say OK said:hello", "fail NOT_FOUND nothing-here", "count OK 3", "chat OK 3"),
        out.subList(0, 4));
    int clientPort = Integer.parseInt(out.get(4).substring("connection ".length()));

    await().atMost(WAIT).untilAsserted(() -> assertEquals(16, sink.flows(l7()).size(), () -> summary(l7())));
    // method, body bytes each way (5-byte gRPC prefix per message), status, message
    Object[][] calls = {
        {"Say", 5 + 5, 5 + 10, 0, "OK", ""},
        {"Say", 5 + 17, 0, 5, "NOT_FOUND", "nothing-here"}, // trailers-only: no DATA
        {"Count", 5 + 1, 3 * (5 + 1), 0, "OK", ""}, // ends at the trailers, after its three messages
        {"Chat", 3 * (5 + 2), 3 * (5 + 7), 0, "OK", ""}};
    for (Reporter reporter : List.of(Reporter.SERVER, Reporter.CLIENT)) {
      List<Flow> requests = sink.flows(l7(reporter, L7FlowType.REQUEST));
      List<Flow> responses = sink.flows(l7(reporter, L7FlowType.RESPONSE));
      assertEquals(4, requests.size(), () -> summary(l7()));
      assertEquals(4, responses.size(), () -> summary(l7()));
      for (int i = 0; i < calls.length; i++) {
        String path = "/" + SERVICE + "/" + calls[i][0];
        Flow req = requests.get(i);
        Flow resp = responses.get(i);
        for (Flow f : List.of(req, resp)) {
          String what = reporter + " " + f.getL7().getType() + " " + path + ": " + f;
          assertEquals("HTTP/2", f.getL7().getHttp().getProtocol(), what);
          assertEquals("POST", f.getL7().getHttp().getMethod(), what);
          assertEquals(path, f.getL7().getHttp().getPath(), what);
          assertEquals(SERVICE, f.getL7().getGrpc().getService(), what);
          assertEquals(calls[i][0], f.getL7().getGrpc().getMethod(), what);
          // Seen from the preface: nothing unknown but the connection, which BoringSSL's memory buffers hide.
          assertEquals(L7FlowAssembler.NO_SOCKET, f.getCompleteness().getReason(), what);
          assertFalse(f.getCompleteness().getPartial() || f.getCompleteness().getTruncated(), what);
          assertFalse(f.hasIp() || f.hasL4(), what);
          assertEquals(TlsLibrary.BORINGSSL, f.getTls().getLibrary(), "what was probed: " + what);
          int pid = localPid(f);
          assertTrue(reporter == Reporter.SERVER ? pid == serverPid : pid > 0 && pid != serverPid, what);
        }
        String what = reporter + " " + path + ": " + resp;
        assertEquals(200, resp.getL7().getHttp().getCode(), what);
        assertEquals(((Integer) calls[i][1]).longValue(), resp.getL7().getHttp().getRequestBodyBytes(), what);
        assertEquals(((Integer) calls[i][2]).longValue(), resp.getL7().getHttp().getResponseBodyBytes(), what);
        assertEquals(calls[i][3], resp.getL7().getGrpc().getStatusCode(), what);
        assertEquals(calls[i][4], resp.getL7().getGrpc().getStatusName(), what);
        assertEquals(calls[i][5], resp.getL7().getGrpc().getMessage(), what);
        assertTrue(resp.getL7().getLatencyNs() > 0, what);
      }
    }
    assertEquals(2L, agent.counters().get("connections read as HTTP/2"), agent.counters()::toString);
    assertEquals(0L, agent.counters().get("TLS plaintext not parsed as HTTP/1.x"), agent.counters()::toString);
    assertEquals(16L, agent.counters().get("L7 flows without their connection (no socket in the TLS call)"),
        agent.counters()::toString);
    // The connection at L3/L4, from the port the client reported.
    await().atMost(WAIT).untilAsserted(() -> assertFalse(sink.flows(f -> f.getType() == FlowType.L3_L4
        && f.getL4().getTcp().getSourcePort() == clientPort
        && f.getL4().getTcp().getDestinationPort() == GrpcPeers.PORT).isEmpty(), sink::dump));
  }

  @Test
  void manyConcurrentStreamsOnOneConnectionEachGiveTheirOwnFlows() {
    int n = 100;
    List<String> out = peers.runClient(agent, "parallel=" + n);
    assertEquals("parallel OK " + n, out.get(0));
    int clientPort = Integer.parseInt(out.get(1).substring("connection ".length()));

    await().atMost(WAIT).untilAsserted(() -> assertEquals(4 * n, sink.flows(l7()).size(), () -> summary(l7())));
    List<Long> expectedSizes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expectedSizes.add(5L + "said:p".length() + Integer.toString(i).length());
    }
    expectedSizes.sort(null);
    for (Reporter reporter : List.of(Reporter.SERVER, Reporter.CLIENT)) {
      List<Flow> responses = sink.flows(l7(reporter, L7FlowType.RESPONSE));
      assertEquals(n, responses.size());
      assertTrue(responses.stream().allMatch(f -> f.getL7().getGrpc().getStatusName().equals("OK")
          && f.getL7().getGrpc().getMethod().equals("Say") && !f.getCompleteness().getPartial()
          && f.getCompleteness().getReason().equals(L7FlowAssembler.NO_SOCKET)
          && f.getTls().getLibrary() == TlsLibrary.BORINGSSL), () -> summary(l7()));
      assertEquals(expectedSizes, responses.stream().map(f -> f.getL7().getHttp().getResponseBodyBytes()).sorted()
          .toList(), "each stream's own DATA, none mixed up with another's");
    }
    int open = maxOpen(sink.flows(l7(Reporter.SERVER, null)));
    assertTrue(open >= 2, "streams were open at once on the connection, at most " + open);
    // One TCP connection carried them all.
    await().atMost(WAIT).untilAsserted(() -> assertEquals(Set.of(clientPort), sink.flows(f ->
        f.getType() == FlowType.L3_L4 && f.getL4().getTcp().getDestinationPort() == GrpcPeers.PORT).stream()
        .map(f -> f.getL4().getTcp().getSourcePort()).collect(Collectors.toSet()), sink::dump));
  }

  /** The most requests seen without their response yet, in the order the flows came. */
  private static int maxOpen(List<Flow> flows) {
    int open = 0;
    int max = 0;
    for (Flow f : flows.stream().sorted(Comparator.comparingLong(f -> f.getTime().getSeconds() * 1_000_000_000L
        + f.getTime().getNanos())).toList()) {
      open += f.getL7().getType() == L7FlowType.REQUEST ? 1 : -1;
      max = Math.max(max, open);
    }
    return max;
  }

  /** The watched process that reported the flow: the source when it sent, else the destination. */
  private static int localPid(Flow f) {
    int src = f.getSource().getProcess().getPid();
    return src != 0 ? src : f.getDestination().getProcess().getPid();
  }

  private static Predicate<Flow> l7() {
    return f -> f.getType() == FlowType.L7;
  }

  private static Predicate<Flow> l7(Reporter reporter, L7FlowType type) {
    return f -> f.getType() == FlowType.L7 && f.getReporter() == reporter
        && (type == null || f.getL7().getType() == type);
  }

  private String summary(Predicate<Flow> which) {
    StringBuilder b = new StringBuilder();
    for (Flow f : sink.flows(which)) {
      b.append(f.getReporter()).append(' ').append(f.getL7().getType()).append(' ')
          .append(f.getL7().getHttp().getPath()).append(' ').append(f.getL7().getHttp().getCode()).append(' ')
          .append(f.getL7().getGrpc().getStatusName()).append(' ').append(f.getCompleteness().getReason())
          .append('\n');
    }
    return b.toString() + agent.counters();
  }
}
