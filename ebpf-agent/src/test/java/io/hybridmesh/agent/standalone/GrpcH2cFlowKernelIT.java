package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.PlaintextMode;
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
 * gRPC over h2c (HTTP/2 with prior knowledge, no TLS) read at the sockets for real: a grpc-java server and
 * client (Netty) in two namespaces of their own, both watched by an agent with {@code --plaintext on} and
 * no TLS reading at all. Unlike the TLS peers' flows (memory buffers: no socket in the TLS call), these
 * carry their connection's addresses, read at the syscalls that moved the bytes.
 */
@KernelTest
public class GrpcH2cFlowKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String SERVICE = "hmesh.peer.v1.Echo";

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;
  private GrpcPeers peers;
  private int serverPid;

  @BeforeEach
  void setUp() throws IOException {
    // Prefixes of this class alone: other kernel tests may run at the same time on this machine.
    hosts = new TwoHosts("hgh2cc", "hgh2cs");
    sink = new CollectingSink(0);
    agent = HostAgents.plaintext(hosts, sink, false, PlaintextMode.ON);
    peers = new GrpcPeers(hosts, true);
    serverPid = peers.startServer();
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
  void unaryFailingAndServerStreamingCallsSeenAtBothEndsWithTheirGrpcStatus() {
    List<String> out = peers.runPlainClient("say=hello", "fail=nothing-here", "count=3");
    assertEquals(List.of("say OK said:hello", "fail NOT_FOUND nothing-here", "count OK 3"), out.subList(0, 3));
    int clientPort = Integer.parseInt(out.get(3).substring("connection ".length()));

    Predicate<Flow> thisConnection = l7On(clientPort);
    await().atMost(WAIT).untilAsserted(() -> assertEquals(12, sink.flows(thisConnection).size(), this::summary));
    // method, body bytes each way (5-byte gRPC prefix per message), status code, name, message
    Object[][] calls = {
        {"Say", 5 + 5, 5 + 10, 0, "OK", ""},
        {"Say", 5 + 17, 0, 5, "NOT_FOUND", "nothing-here"}, // trailers-only: no DATA
        {"Count", 5 + 1, 3 * (5 + 1), 0, "OK", ""}}; // ends at the trailers, after its three messages
    for (Reporter reporter : List.of(Reporter.SERVER, Reporter.CLIENT)) {
      List<Flow> requests = of(thisConnection, reporter, L7FlowType.REQUEST);
      List<Flow> responses = of(thisConnection, reporter, L7FlowType.RESPONSE);
      assertEquals(3, requests.size(), this::summary);
      assertEquals(3, responses.size(), this::summary);
      boolean local = reporter == Reporter.CLIENT;
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
          assertFalse(f.hasCompleteness(), "seen from the preface, with its connection: nothing unknown: " + what);
          assertFalse(f.hasTls(), "plaintext flows carry no TLS record: " + what);
          assertEquals(DataPath.EBPF, f.getDataPath(), what);
          assertEquals(EmitterKind.EBPF_TRACEPOINT, f.getEmitter().getKind(), what);
          int pid = localPid(f);
          assertTrue(local ? pid > 0 && pid != serverPid : pid == serverPid, what);
        }
        // The connection's 5-tuple, oriented as the message travelled.
        assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource());
        assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
        assertEquals(GrpcPeers.PORT, req.getL4().getTcp().getDestinationPort());
        assertEquals(TwoHosts.SERVER_V4, resp.getIp().getSource());
        assertEquals(clientPort, resp.getL4().getTcp().getDestinationPort());
        assertEquals(local ? ObservationPoint.SOCKET_WRITE : ObservationPoint.SOCKET_READ, req.getObservationPoint());
        assertEquals(local ? ObservationPoint.SOCKET_READ : ObservationPoint.SOCKET_WRITE, resp.getObservationPoint());

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
    assertEquals(2L, agent.counters().get("connections read as HTTP/2"), "the client's and the server's end: "
        + agent.counters());
    assertEquals(0L, agent.counters().get("socket plaintext not parsed as HTTP"), agent.counters()::toString);
  }

  /** The watched process that reported the flow: the source when it sent, else the destination. */
  private static int localPid(Flow f) {
    int src = f.getSource().getProcess().getPid();
    return src != 0 ? src : f.getDestination().getProcess().getPid();
  }

  private static Predicate<Flow> l7On(int port) {
    return f -> f.getType() == FlowType.L7
        && (f.getL4().getTcp().getSourcePort() == port || f.getL4().getTcp().getDestinationPort() == port);
  }

  private List<Flow> of(Predicate<Flow> connection, Reporter reporter, L7FlowType type) {
    return sink.flows(connection.and(f -> f.getReporter() == reporter).and(f -> f.getL7().getType() == type));
  }

  private String summary() {
    StringBuilder b = new StringBuilder();
    for (Flow f : sink.flows(f -> f.getType() == FlowType.L7)) {
      b.append(f.getReporter()).append(' ').append(f.getL7().getType()).append(' ')
          .append(f.getL4().getTcp().getSourcePort()).append('>').append(f.getL4().getTcp().getDestinationPort())
          .append(' ').append(f.getL7().getHttp().getPath()).append(' ').append(f.getL7().getHttp().getCode())
          .append(' ').append(f.getL7().getGrpc().getStatusName()).append(' ')
          .append(f.getCompleteness().getReason()).append('\n');
    }
    return b + agent.counters().toString();
  }
}
