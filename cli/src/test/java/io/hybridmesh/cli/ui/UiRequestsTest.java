package io.hybridmesh.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UiRequestsTest {

  private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");

  private static GetFlowsRequest flows(String query) {
    return UiRequests.flows(UiRequests.query(query), NOW);
  }

  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void theFilterIsHmeshObservesSyntaxParsedByItsParser() {
    GetFlowsRequest r = flows("filter=--namespace%20demo%20--not%20--type%20l7&follow=true");
    assertTrue(r.getFollow());
    assertEquals(200, r.getNumber(), "the page's default backlog");
    assertEquals(List.of("demo"), r.getAllow(0).getSourceNamespaceList());
    assertEquals(List.of("demo"), r.getAllow(1).getDestinationNamespaceList());
    assertEquals(List.of(FlowType.L7), r.getDeny(0).getFlowTypeList());
    assertEquals(UiRequests.BATCH, r.getBatchSize());
  }

  @Test
  void linesAreAlternatives() {
    GetFlowsRequest r = flows("filter=" + java.net.URLEncoder.encode(
        "--from-workload frontend --to-workload backend\n--from-workload backend --to-workload frontend",
        java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(2, r.getAllowCount());
    assertEquals("frontend", r.getAllow(0).getSourceWorkload(0).getName());
    assertEquals("backend", r.getAllow(1).getSourceWorkload(0).getName());
  }

  @Test
  void badFiltersAreRefusedWithHmeshObservesWords() {
    assertTrue(refusal(() -> flows("filter=--pood%20x")).contains("--pood"));
    assertEquals("'l8' is not a flow type; use l7 or l3/l4", refusal(() -> flows("filter=--type%20l8")));
    assertTrue(refusal(() -> flows("filter=--http-status")).contains("--http-status"));
    assertTrue(refusal(() -> flows("filter=--not")).contains("--not must be followed"));
    assertTrue(refusal(() -> flows("filter=demo")).contains("demo"), "a bare word is no filter");
    assertTrue(refusal(() -> flows("filter=--port%20%27unterminated")).contains("not closed"));
  }

  @Test
  void flagsThatAreNotFiltersAreThePagesToSet() {
    for (String flag : List.of("-o%20json", "--server%20evil:4245", "--follow", "--help", "--output%20table")) {
      String why = refusal(() -> flows("filter=" + flag));
      assertTrue(why.contains("is not a filter"), why);
    }
  }

  @Test
  void hugeWindowsAndCountsAreRefused() {
    assertTrue(refusal(() -> flows("filter=--since%2048h")).contains("24h"));
    assertTrue(refusal(() -> flows("filter=--last%2020000")).contains("10000"));
    assertTrue(refusal(() -> flows("last=999999")).contains("0 to 10000"));
    assertTrue(refusal(() -> UiRequests.map(UiRequests.query("window=25h"))).contains("1s to 24h"));
    assertTrue(refusal(() -> UiRequests.map(UiRequests.query("window=forever"))).contains("not a duration"));
    assertEquals(Duration.ofHours(24), UiRequests.map(UiRequests.query("window=24h")).window());
    GetFlowsRequest r = flows("filter=--since%2010m");
    assertEquals(NOW.minusSeconds(600).getEpochSecond(), r.getSince().getSeconds());
  }

  @Test
  void followingCannotEnd() {
    assertTrue(refusal(() -> flows("follow=true&filter=--first%205")).contains("--first"));
    assertTrue(refusal(() -> flows("follow=true&filter=--until%205m")).contains("--until"));
    assertFalse(flows("follow=false&filter=--first%205").getFollow());
  }

  @Test
  void unknownOrRepeatedParametersAndOversizedRequestsAreRefused() {
    assertTrue(refusal(() -> flows("filtr=x")).contains("unknown parameter 'filtr'"));
    assertTrue(refusal(() -> flows("follow=true&follow=false")).contains("once"));
    assertTrue(refusal(() -> flows("follow=maybe")).contains("true or false"));
    assertTrue(refusal(() -> UiRequests.query("x=" + "a".repeat(UiRequests.MAX_QUERY_CHARS))).contains("at most"));
    assertTrue(refusal(() -> UiRequests.query("a=1&".repeat(65))).contains("parameters"));
    assertTrue(refusal(() -> UiRequests.query("filter=%zz")).contains("percent"));
    String longFilter = "--pod%20x%20".repeat(600);
    assertTrue(refusal(() -> flows("filter=" + longFilter)).contains("characters long"));
  }

  @Test
  void theMapTakesNamespacesAndDataPaths() {
    UiRequests.MapQuery q = UiRequests.map(Map.of("namespace", List.of("demo", "shop"),
        "dataPath", List.of("ebpf", "Sidecar")));
    assertEquals(UiRequests.DEFAULT_WINDOW, q.window());
    assertEquals(Set.of("demo", "shop"), q.selection().namespaces());
    assertEquals(Set.of("EBPF", "SIDECAR"), q.selection().dataPaths());
    assertTrue(refusal(() -> UiRequests.map(Map.of("dataPath", List.of("kernel")))).contains("not a data path"));
  }

  @Test
  void onlyLoopbackNamesPassTheHostCheck() {
    for (String ok : List.of("localhost:12000", "127.0.0.1:12000", "[::1]:12000", "LOCALHOST", "127.0.0.2")) {
      assertTrue(UiRequests.loopbackHost(ok), ok);
    }
    for (String bad : new String[] {"evil.example:12000", "127.0.0.1.evil.example", "[::2]:1", "", null}) {
      assertFalse(UiRequests.loopbackHost(bad), String.valueOf(bad));
    }
  }
}
