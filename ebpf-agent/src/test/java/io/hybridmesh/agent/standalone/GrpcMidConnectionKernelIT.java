package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 connection opened before the agent started: a grpc-java channel (Netty, netty-tcnative) that made
 * calls, then the agent starts, then the same channel makes more. Netty's HPACK encoder puts nearly every
 * header into its dynamic table, so the later header blocks refer to entries the agent never saw: the
 * flows must say which fields are unknown and why, never guess them (the path of an earlier method, the
 * grpc-status of the trailers), decode what the blocks spell out or what was inserted since the agent
 * joined, and keep reading the connection.
 */
@KernelTest
public class GrpcMidConnectionKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CHAT = "/hmesh.peer.v1.Echo/Chat";

  private TwoHosts hosts;
  private GrpcPeers peers;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    peers = new GrpcPeers(hosts);
    sink = new CollectingSink(0);
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    peers.close();
    hosts.close();
  }

  @Test
  void callsAfterTheAgentJoinedSayWhatTheHpackTableHidAndResynchronize() {
    int serverPid = peers.startServer();
    GrpcPeers.Peer client = peers.startClient("say=before", "count=1", "await", "say=after", "fail=gone",
        "chat=1", "chat=2");
    client.proceed(); // no agent yet: these calls fill both HPACK tables unseen
    assertEquals(List.of("say OK said:before", "count OK 1"), client.readUntil("waiting"));

    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
    GrpcPeers.awaitProbed(agent, serverPid);
    GrpcPeers.awaitProbed(agent, client.pid);
    client.proceed();
    List<String> out = client.finish();
    assertEquals(List.of("say OK said:after", "fail NOT_FOUND gone", "chat OK 1", "chat OK 2"), out.subList(0, 4));

    await().atMost(WAIT).untilAsserted(() -> assertEquals(16, sink.flows(l7()).size(), () -> summary()));
    for (Reporter reporter : List.of(Reporter.SERVER, Reporter.CLIENT)) {
      List<Flow> requests = sink.flows(l7().and(f -> f.getReporter() == reporter
          && f.getL7().getType() == L7FlowType.REQUEST));
      List<Flow> responses = sink.flows(l7().and(f -> f.getReporter() == reporter
          && f.getL7().getType() == L7FlowType.RESPONSE));
      assertEquals(4, requests.size(), this::summary);
      assertEquals(4, responses.size(), this::summary);
      for (int i = 0; i < 4; i++) {
        for (Flow f : List.of(requests.get(i), responses.get(i))) {
          String what = reporter + " call " + i + ": " + f;
          assertEquals("HTTP/2", f.getL7().getHttp().getProtocol(), what);
          // POST is in HPACK's static table: known whatever was missed.
          assertEquals("POST", f.getL7().getHttp().getMethod(), what);
          assertTrue(f.getCompleteness().getReason().contains("hpack_state_missed"), what);
        }
      }
      // say=after and fail=gone: the :path entry was made before the agent looked; unknown, not guessed.
      for (int i = 0; i < 2; i++) {
        Flow req = requests.get(i);
        Flow resp = responses.get(i);
        String what = reporter + " " + resp;
        assertEquals("", req.getL7().getHttp().getPath(), what);
        assertEquals("", resp.getL7().getHttp().getPath(), what);
        assertEquals(200, resp.getL7().getHttp().getCode(), "':status 200' is in the static table: " + what);
        // grpc-status came as a reference into the table too: neither OK nor NOT_FOUND may be claimed.
        assertTrue(resp.getL7().getGrpc().getStatusName().isEmpty(), what);
        assertTrue(resp.getCompleteness().getReason().contains("hpack_state_missed (trailers)"), what);
      }
      // The bodies are not HPACK: known in full (5-byte gRPC prefix per message).
      assertEquals(5 + "after".length(), responses.get(0).getL7().getHttp().getRequestBodyBytes());
      assertEquals(5 + "said:after".length(), responses.get(0).getL7().getHttp().getResponseBodyBytes());
      assertEquals(0, responses.get(1).getL7().getHttp().getResponseBodyBytes(), "a trailers-only response");
      // chat=1: a method first called after the agent joined: its :path is spelled out, and known.
      assertEquals(CHAT, requests.get(2).getL7().getHttp().getPath(), requests.get(2)::toString);
      // chat=2: refers to the entry chat=1 made, which the agent saw: known again (resynchronized).
      assertEquals(CHAT, requests.get(3).getL7().getHttp().getPath(), requests.get(3)::toString);
      assertEquals(CHAT, responses.get(3).getL7().getHttp().getPath(), responses.get(3)::toString);
      assertEquals(2 * (5 + 2), responses.get(3).getL7().getHttp().getRequestBodyBytes());
    }
    assertEquals(2L, agent.counters().get("connections read as HTTP/2"), agent.counters()::toString);
    assertEquals(0L, agent.counters().get("TLS plaintext not parsed as HTTP/1.x"), agent.counters()::toString);
    assertFalse(sink.flows(l7()).stream().anyMatch(f -> f.getL7().getGrpc().getStatusName().equals("OK")),
        "no call's status was decodable here, so none may say OK");
  }

  private static Predicate<Flow> l7() {
    return f -> f.getType() == FlowType.L7;
  }

  private String summary() {
    StringBuilder b = new StringBuilder();
    for (Flow f : sink.flows(l7())) {
      b.append(f.getReporter()).append(' ').append(f.getL7().getType()).append(' ')
          .append(f.getL7().getHttp().getMethod()).append(' ').append(f.getL7().getHttp().getPath()).append(' ')
          .append(f.getL7().getHttp().getCode()).append(' ').append(f.getL7().getGrpc().getStatusName())
          .append(" [").append(f.getCompleteness().getReason()).append("]\n");
    }
    return b.toString() + (agent == null ? "" : agent.counters());
  }
}
