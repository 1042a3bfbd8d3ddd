package io.hybridmesh.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A map answer is reused only while a new aggregation would give the same, and the reuse stays bounded. */
class MapCacheTest {

  private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
  private static final List<WorkloadReport> REPORTS = List.of(
      TestFlows.report("frontend", WorkloadDataPath.EBPF, L7Visibility.L7_FULL, "UPROBE_TARGETS_OK", "OpenSSL"));
  private static final MapCache.ServerState SERVER = new MapCache.ServerState(100, 100, 1, 0);
  private static final UiRequests.MapQuery FIVE_MINUTES = UiRequests.map(Map.of());

  private static MapCache.Made made(Instant oldestFlow) {
    return new MapCache.Made(REPORTS, SERVER, T, oldestFlow);
  }

  @Test
  void anAnswerHoldsWhileNothingItWasMadeFromChanged() {
    MapCache.Made m = made(T.minusSeconds(60));
    Duration w = Duration.ofMinutes(5);
    assertTrue(MapCache.holds(m, w, REPORTS, SERVER, T.plusSeconds(10)));
    assertFalse(MapCache.holds(m, w, REPORTS, new MapCache.ServerState(101, 101, 1, 0), T.plusSeconds(1)),
        "a flow arrived");
    assertFalse(MapCache.holds(m, w, REPORTS, new MapCache.ServerState(100, 100, 1, 1), T.plusSeconds(1)),
        "a node went away");
    assertFalse(MapCache.holds(m, w, List.of(), SERVER, T.plusSeconds(1)), "the reports changed");
    assertTrue(MapCache.holds(made(T.minusSeconds(275)), w, REPORTS, SERVER, T.plusSeconds(20)),
        "the oldest flow is still in the window");
    assertFalse(MapCache.holds(made(T.minusSeconds(290)), w, REPORTS, SERVER, T.plusSeconds(11)),
        "the oldest flow left the window");
    assertTrue(MapCache.holds(made(null), w, REPORTS, SERVER, T.plusSeconds(25)), "no flow to leave it");
    assertFalse(MapCache.holds(made(null), w, REPORTS, SERVER, T.plus(MapCache.MAX_AGE).plusSeconds(1)),
        "too old");
    assertFalse(MapCache.holds(m, w, REPORTS, SERVER, T.minusSeconds(1)), "made after the time asked for");
  }

  @Test
  void itKeepsAFewAnswersAndNoneFromAServerThatDoesNotCountItsFlows() {
    MapCache c = new MapCache();
    c.put(FIVE_MINUTES, "{}", new MapCache.Made(REPORTS, new MapCache.ServerState(0, 5, 1, 0), T, null));
    assertNull(c.get(FIVE_MINUTES, REPORTS, new MapCache.ServerState(0, 5, 1, 0), T));
    for (int i = 0; i < MapCache.ENTRIES + 1; i++) {
      c.put(query(i), "answer " + i, made(null));
    }
    assertNull(c.get(query(0), REPORTS, SERVER, T), "the least recently used went");
    assertEquals("answer 1", c.get(query(1), REPORTS, SERVER, T));
    assertNull(c.get(query(1), REPORTS, new MapCache.ServerState(101, 101, 1, 0), T));
    assertNull(c.get(query(1), REPORTS, SERVER, T), "an answer that no longer holds is dropped");
  }

  private static UiRequests.MapQuery query(int i) {
    return new UiRequests.MapQuery(Duration.ofMinutes(5), new ServiceMap.Selection(Set.of("ns" + i), Set.of()));
  }

  /** Through the gateway against a real Observer server: the same answer until a flow arrives, then a new one. */
  @Test
  void theGatewayAnswersFromMemoryUntilAFlowArrives() throws Exception {
    RingSink sink = new RingSink(new FlowRing(256));
    List<WorkloadReport> reports = new CopyOnWriteArrayList<>(REPORTS);
    ObserverServer observer = ObserverServer.tcp("127.0.0.1", 0,
        new ObserverService(sink, "vm", "test", "", () -> List.copyOf(reports))).start();
    ManagedChannel channel = ManagedChannelBuilder.forTarget("127.0.0.1:" + observer.port()).usePlaintext().build();
    try {
      ObserverGateway g = new ObserverGateway(channel, "test");
      Instant now = Instant.now();
      sink.accept(TestFlows.request("frontend", "backend", Reporter.CLIENT, "/a", now.minusSeconds(5)));
      String first = g.map(FIVE_MINUTES, now, ServiceMap.Limits.DEFAULT);
      assertEquals(1, requests(first, "demo/frontend -> demo/backend"));
      assertSame(first, g.map(FIVE_MINUTES, now.plusSeconds(1), ServiceMap.Limits.DEFAULT), "made once");

      sink.accept(TestFlows.request("frontend", "backend", Reporter.CLIENT, "/b", now.plusSeconds(1)));
      String second = g.map(FIVE_MINUTES, now.plusSeconds(2), ServiceMap.Limits.DEFAULT);
      assertEquals(2, requests(second, "demo/frontend -> demo/backend"), "the new flow is counted");

      reports.add(TestFlows.report("payments", WorkloadDataPath.SIDECAR, L7Visibility.L7_TLS_METADATA,
          "TLS_JSSE", "JSSE"));
      String third = g.map(FIVE_MINUTES, now.plusSeconds(3), ServiceMap.Limits.DEFAULT);
      assertNotEquals(second, third, "a new report is a new node");
      assertTrue(third.contains("\"demo/payments\""), third);

      String later = g.map(FIVE_MINUTES, now.plusSeconds(296), ServiceMap.Limits.DEFAULT);
      assertEquals(1, requests(later, "demo/frontend -> demo/backend"), "the first flow left the window");
    } finally {
      channel.shutdownNow();
      observer.close();
    }
  }

  private static long requests(String answer, String edge) {
    for (var e : JsonParser.parseString(answer).getAsJsonObject().getAsJsonObject("result").getAsJsonArray("edges")) {
      JsonObject o = e.getAsJsonObject();
      if (o.get("id").getAsString().equals(edge)) {
        return o.getAsJsonObject("l7").get("requests").getAsLong();
      }
    }
    return 0;
  }
}
