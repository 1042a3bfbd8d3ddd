package io.hybridmesh.cli.ui;

import static io.hybridmesh.cli.ui.TestFlows.connection;
import static io.hybridmesh.cli.ui.TestFlows.report;
import static io.hybridmesh.cli.ui.TestFlows.request;
import static io.hybridmesh.cli.ui.TestFlows.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ServiceMapTest {

  private static final Instant T = Instant.parse("2026-11-27T08:54:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final List<WorkloadReport> REPORTS = List.of(
      report("frontend", WorkloadDataPath.EBPF, L7Visibility.L7_FULL, "UPROBE_TARGETS_OK", "OpenSSL"),
      report("backend", WorkloadDataPath.EBPF, L7Visibility.L7_FULL, "UPROBE_TARGETS_OK", "OpenSSL"),
      report("payments", WorkloadDataPath.SIDECAR, L7Visibility.L7_TLS_METADATA, "TLS_JSSE", "JSSE"));

  private static Map<String, ServiceMap.Edge> edges(ServiceMap.Result r) {
    return r.edges().stream().collect(Collectors.toMap(ServiceMap.Edge::id, Function.identity()));
  }

  @Test
  void requestsAndTheirRepliesMakeOneEdgeInTheRequestsDirection() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    for (int i = 0; i < 20; i++) {
      map.add(request("frontend", "backend", Reporter.CLIENT, "/api/orders", T.plusMillis(i)));
      map.add(response("frontend", "backend", Reporter.CLIENT, i < 5 ? 503 : 200, (i + 1) * 1_000_000L, T));
    }
    ServiceMap.Result r = map.result(REPORTS, ServiceMap.Selection.ALL, WINDOW, WINDOW);
    assertEquals(Set.of("demo/frontend -> demo/backend"), edges(r).keySet());
    ServiceMap.L7 l7 = edges(r).get("demo/frontend -> demo/backend").l7();
    assertEquals(20, l7.requests());
    assertEquals(2.0, l7.requestRate(), 1e-9, "20 requests in 10 s");
    assertEquals(5, l7.errors());
    assertEquals(0.25, l7.errorRate(), 1e-9);
    // The 99th percentile of 1..20 ms is 20 ms; buckets are at most 12.5% wide.
    assertTrue(l7.p99Ns() >= 20_000_000L && l7.p99Ns() <= 22_500_000L, () -> "p99 " + l7.p99Ns());
    assertEquals("client", l7.reporter());
    assertEquals(3, r.nodes().size(), "payments is a node without traffic");
    ServiceMap.Node payments = r.nodes().stream().filter(n -> n.name().equals("payments")).findFirst().orElseThrow();
    assertEquals("SIDECAR", payments.dataPath());
    assertEquals("tls-metadata", payments.l7(), "the L7 word of hmesh report's table");
  }

  @Test
  void bothEndsReportingTheSameRequestsAreNotCountedTwice() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    for (int i = 0; i < 10; i++) {
      map.add(request("frontend", "backend", Reporter.CLIENT, "/a", T));
      map.add(request("frontend", "backend", Reporter.SERVER, "/a", T));
      map.add(response("frontend", "backend", Reporter.CLIENT, 200, 900_000, T));
      map.add(response("frontend", "backend", Reporter.SERVER, 200, 50_000, T));
    }
    map.add(request("frontend", "backend", Reporter.SERVER, "/a", T)); // the server saw one more
    ServiceMap.L7 l7 = edges(map.result(REPORTS, ServiceMap.Selection.ALL, WINDOW, WINDOW))
        .get("demo/frontend -> demo/backend").l7();
    assertEquals(11, l7.requests());
    assertEquals("server", l7.reporter());
    assertTrue(l7.p99Ns() < 100_000, "the server's own latencies, not a mix");
  }

  @Test
  void connectionsCountOnceWithTheBytesOfTheWindow() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    // c1 opens in the window; c2 was open before it, with 1000 bytes already carried.
    map.add(connection("frontend", "payments", "c1", ConnectionState.NEW, 60, 0, Reporter.CLIENT, T));
    map.add(connection("frontend", "payments", "c1", ConnectionState.CLOSED, 3000, 5000, Reporter.CLIENT, T));
    map.add(connection("frontend", "payments", "c2", ConnectionState.ACTIVE, 600, 400, Reporter.CLIENT, T));
    map.add(connection("frontend", "payments", "c2", ConnectionState.ACTIVE, 1600, 900, Reporter.CLIENT, T));
    ServiceMap.Edge e = edges(map.result(REPORTS, ServiceMap.Selection.ALL, WINDOW, WINDOW))
        .get("demo/frontend -> demo/payments");
    assertNull(e.l7());
    assertEquals(2, e.l4().connections());
    assertEquals(8000 + 1500, e.l4().bytes());
    assertEquals(List.of("EBPF"), e.dataPaths());
  }

  @Test
  void ratesArePerTheTimeTheServerStillHolds() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    for (int i = 0; i < 30; i++) {
      map.add(request("frontend", "backend", Reporter.CLIENT, "/a", T));
    }
    ServiceMap.Result r = map.result(REPORTS, ServiceMap.Selection.ALL, Duration.ofMinutes(5), Duration.ofSeconds(3));
    assertEquals(3.0, r.seconds(), 1e-9);
    assertEquals(10.0, r.edges().get(0).l7().requestRate(), 1e-9);
  }

  @Test
  void theSelectionKeepsItsNodesAndTheEdgesThatTouchThem() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    map.add(request("frontend", "backend", Reporter.CLIENT, "/a", T));
    map.add(request("frontend", "payments", Reporter.CLIENT, "/v1/charges", T));
    map.add(request("10.9.9.9", "backend", Reporter.SERVER, "/a", T));
    ServiceMap.Result sidecars = map.result(REPORTS,
        new ServiceMap.Selection(Set.of(), Set.of("SIDECAR")), WINDOW, WINDOW);
    assertEquals(Set.of("demo/frontend -> demo/payments"), edges(sidecars).keySet());
    assertEquals(Set.of("demo/frontend", "demo/payments"),
        sidecars.nodes().stream().map(ServiceMap.Node::id).collect(Collectors.toSet()));

    ServiceMap.Result unreported = map.result(REPORTS,
        new ServiceMap.Selection(Set.of(), Set.of("UNREPORTED")), WINDOW, WINDOW);
    assertEquals(Set.of("demo/10.9.9.9 -> demo/backend"), edges(unreported).keySet(),
        "a pod name without a report is still a node of its namespace");
    ServiceMap.Result otherNamespace = map.result(REPORTS,
        new ServiceMap.Selection(Set.of("shop"), Set.of()), WINDOW, WINDOW);
    assertTrue(otherNamespace.nodes().isEmpty() && otherNamespace.edges().isEmpty());
  }

  @Test
  void anAddressWithNoEndpointIsANodeOfItsOwn() {
    ServiceMap map = new ServiceMap(ServiceMap.Limits.DEFAULT);
    map.add(TestFlows.base("frontend", "x", T).setDestination(io.hybridmesh.api.flow.v1.Endpoint.getDefaultInstance())
        .setIp(io.hybridmesh.api.flow.v1.IP.newBuilder().setSource("10.250.0.10").setDestination("1.1.1.1"))
        .setType(io.hybridmesh.api.flow.v1.FlowType.L3_L4).build());
    ServiceMap.Result r = map.result(List.of(), ServiceMap.Selection.ALL, WINDOW, WINDOW);
    assertEquals(Set.of("demo/frontend -> ip:1.1.1.1"), edges(r).keySet());
    assertFalse(r.nodes().stream().filter(n -> n.id().equals("ip:1.1.1.1")).findFirst().orElseThrow().reported());
  }

  @Test
  void memoryIsBoundedWhateverTheFlows() {
    ServiceMap map = new ServiceMap(new ServiceMap.Limits(3, 2));
    for (int i = 0; i < 10; i++) {
      map.add(request("frontend", "w" + i, Reporter.CLIENT, "/a", T));
    }
    for (int i = 0; i < 5; i++) {
      map.add(connection("frontend", "w0", "c" + i, ConnectionState.NEW, 10, 10, Reporter.CLIENT, T));
    }
    ServiceMap.Result r = map.result(List.of(), ServiceMap.Selection.ALL, WINDOW, WINDOW);
    assertEquals(3, r.edges().size());
    assertTrue(r.edgeLimitReached());
    assertEquals(7, r.flowsOffMap());
    assertEquals(15, r.flowsRead());
    ServiceMap.L4 l4 = edges(r).get("demo/frontend -> demo/w0").l4();
    assertEquals(5, l4.connections(), "connections past the budget are counted");
    assertEquals(40, l4.bytes(), "but only the followed ones' bytes are known");
  }
}
