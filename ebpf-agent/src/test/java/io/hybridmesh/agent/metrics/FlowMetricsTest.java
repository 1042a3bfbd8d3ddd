package io.hybridmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.BoolValue;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.flow.v1.Workload;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FlowMetricsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private FlowMetrics metrics = new FlowMetrics(new MetricsOptions(100, Duration.ofMinutes(5)), now::get);

  private static Endpoint pod(String ns, String workload) {
    return Endpoint.newBuilder().setNamespace(ns).setPodName(workload + "-7d9f")
        .addWorkloads(Workload.newBuilder().setName(workload).setKind("Deployment")).build();
  }

  /** A response as the L7 assembler makes it: server to client, is_reply true. */
  private static Flow response(String client, String server, String method, int code, long latencyNs) {
    return Flow.newBuilder().setType(FlowType.L7).setVerdict(Verdict.FORWARDED).setDataPath(DataPath.EBPF)
        .setReporter(Reporter.SERVER).setIsReply(BoolValue.of(true))
        .setSource(pod("shop", server)).setDestination(pod("shop", client))
        .setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(latencyNs)
            .setHttp(HTTP.newBuilder().setMethod(method).setCode(code).setUrl("/x")))
        .build();
  }

  private static Flow request(String client, String server) {
    return Flow.newBuilder().setType(FlowType.L7).setVerdict(Verdict.FORWARDED).setDataPath(DataPath.EBPF)
        .setReporter(Reporter.CLIENT).setIsReply(BoolValue.of(false))
        .setSource(pod("shop", client)).setDestination(pod("shop", server))
        .setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(HTTP.newBuilder().setMethod("GET")))
        .build();
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static final String REQ_LABELS = "source_namespace=\"shop\",source_workload=\"web\","
      + "destination_namespace=\"shop\",destination_workload=\"cart\",reporter=\"server\"";

  @Test
  void flowsCountedByTypeVerdictAndDataPath() {
    metrics.accept(request("web", "cart"));
    metrics.accept(request("web", "cart"));
    metrics.accept(Flow.newBuilder().setType(FlowType.L3_L4).setVerdict(Verdict.DROPPED)
        .setDataPath(DataPath.SIDECAR).build());
    String text = metrics.render();
    assertTrue(text.contains("# TYPE hmesh_flows_processed_total counter\n"), text);
    assertEquals(List.of(
        "hmesh_flows_processed_total{type=\"L3_L4\",verdict=\"DROPPED\",data_path=\"SIDECAR\"} 1",
        "hmesh_flows_processed_total{type=\"L7\",verdict=\"FORWARDED\",data_path=\"EBPF\"} 2"),
        lines(text, "hmesh_flows_processed_total{"));
  }

  @Test
  void httpRequestsCountedAtTheResponseFromTheRequestsPointOfView() {
    metrics.accept(request("web", "cart")); // not counted: the response counts the exchange
    metrics.accept(response("web", "cart", "GET", 200, 2_000_000));
    metrics.accept(response("web", "cart", "GET", 204, 2_000_000));
    metrics.accept(response("web", "cart", "BREW", 503, 2_000_000));
    metrics.accept(response("web", "cart", "", 0, 0)); // a response without its request
    List<String> got = lines(metrics.render(), "hmesh_http_requests_total{");
    assertEquals(List.of(
        "hmesh_http_requests_total{" + REQ_LABELS + ",method=\"\",status=\"unknown\"} 1",
        "hmesh_http_requests_total{" + REQ_LABELS + ",method=\"GET\",status=\"2xx\"} 2",
        "hmesh_http_requests_total{" + REQ_LABELS + ",method=\"OTHER\",status=\"5xx\"} 1"), got);
  }

  @Test
  void histogramBucketsAreCumulativeWithSumAndCount() {
    metrics.accept(response("web", "cart", "GET", 200, 300_000)); // 0.3 ms -> le 0.0005
    metrics.accept(response("web", "cart", "GET", 200, 1_000_000)); // exactly 1 ms -> le 0.001
    metrics.accept(response("web", "cart", "GET", 200, 40_000_000)); // 40 ms -> le 0.05
    metrics.accept(response("web", "cart", "GET", 200, 20_000_000_000L)); // 20 s -> only +Inf
    metrics.accept(response("web", "cart", "GET", 200, 0)); // no latency: counted, not observed
    String text = metrics.render();
    String p = "hmesh_http_request_duration_seconds_bucket{" + REQ_LABELS + ",method=\"GET\",status=\"2xx\",le=";
    assertTrue(text.contains(p + "\"0.0005\"} 1\n"), text);
    assertTrue(text.contains(p + "\"0.001\"} 2\n"), text);
    assertTrue(text.contains(p + "\"0.025\"} 2\n"), text);
    assertTrue(text.contains(p + "\"0.05\"} 3\n"), text);
    assertTrue(text.contains(p + "\"10\"} 3\n"), text);
    assertTrue(text.contains(p + "\"+Inf\"} 4\n"), text);
    assertTrue(text.contains("_count{" + REQ_LABELS + ",method=\"GET\",status=\"2xx\"} 4\n"), text);
    assertTrue(text.contains("_sum{" + REQ_LABELS + ",method=\"GET\",status=\"2xx\"} 20.0413\n"), text);
    assertTrue(text.contains("# TYPE hmesh_http_request_duration_seconds histogram\n"), text);
    assertTrue(text.contains("hmesh_http_requests_total{" + REQ_LABELS + ",method=\"GET\",status=\"2xx\"} 5\n"));
  }

  @Test
  void labelValuesAreEscaped() {
    metrics.accept(response("we\"b\\n\nx", "cart", "GET", 200, 1));
    String text = metrics.render();
    assertTrue(text.contains("source_workload=\"we\\\"b\\\\n\\nx\""), text);
    assertEquals("a\\\\b\\\"c\\nd", TextFormat.escapeLabelValue("a\\b\"c\nd"));
    assertEquals("plain é", TextFormat.escapeLabelValue("plain é"));
    assertEquals("0.0005", TextFormat.number(0.0005));
    assertEquals("10", TextFormat.number(10));
    assertEquals("+Inf", TextFormat.number(Double.POSITIVE_INFINITY));
    for (String line : text.split("\n")) {
      assertFalse(line.isEmpty(), "no raw line feed may split a sample");
    }
  }

  @Test
  void lostEventsBySource() {
    metrics.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_RINGBUF).setNumEventsLost(7).build());
    metrics.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_RINGBUF).setNumEventsLost(3).build());
    metrics.lost(LostEvent.newBuilder().setSource(LostEventSource.AGENT_QUEUE).setNumEventsLost(0).build());
    assertEquals(List.of("hmesh_lost_events_total{source=\"kernel_ringbuf\"} 10"),
        lines(metrics.render(), "hmesh_lost_events_total{"));
  }

  @Test
  void cardinalityIsCappedWithAnOverflowSeries() {
    metrics = new FlowMetrics(new MetricsOptions(3, Duration.ofMinutes(5)), now::get);
    for (int i = 0; i < 10; i++) {
      metrics.accept(response("client-" + i, "cart", "GET", 200, 1_000));
    }
    String text = metrics.render();
    List<String> series = lines(text, "hmesh_http_requests_total{");
    assertEquals(3, series.size(), text); // two real ones and the overflow series
    String all = "\"_overflow\"";
    assertTrue(series.contains("hmesh_http_requests_total{source_namespace=" + all + ",source_workload=" + all
        + ",destination_namespace=" + all + ",destination_workload=" + all + ",reporter=" + all + ",method="
        + all + ",status=" + all + "} 8"), String.join("\n", series));
    assertTrue(text.contains("hmesh_metrics_label_overflow_total{metric=\"hmesh_http_requests_total\"} 8\n"), text);
    // Known label sets keep counting in their own series.
    metrics.accept(response("client-0", "cart", "GET", 200, 1_000));
    assertTrue(metrics.render().contains("source_workload=\"client-0\",destination_namespace=\"shop\","
        + "destination_workload=\"cart\",reporter=\"server\",method=\"GET\",status=\"2xx\"} 2\n"));
  }

  @Test
  void seriesNotUpdatedForTheTtlExpire() {
    metrics.accept(response("web", "cart", "GET", 200, 1_000));
    now.addAndGet(Duration.ofMinutes(3).toMillis());
    metrics.accept(response("web", "orders", "GET", 200, 1_000));
    assertEquals(2, lines(metrics.render(), "hmesh_http_requests_total{").size());
    now.addAndGet(Duration.ofMinutes(3).toMillis()); // cart: 6 min old, orders: 3 min
    List<String> left = lines(metrics.render(), "hmesh_http_requests_total{");
    assertEquals(1, left.size());
    assertTrue(left.get(0).contains("destination_workload=\"orders\""), left.get(0));
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    metrics.expire();
    assertEquals(0, metrics.seriesCount());
  }

  @Test
  void forgetRemovesADepartedWorkloadAtOnce() {
    metrics.accept(response("web", "cart", "GET", 200, 1_000));
    metrics.accept(response("cart", "db", "GET", 200, 1_000));
    metrics.accept(response("web", "orders", "GET", 200, 1_000));
    assertEquals(4, metrics.forget("shop", "cart")); // two counters, two histograms
    List<String> left = lines(metrics.render(), "hmesh_http_requests_total{");
    assertEquals(1, left.size());
    assertTrue(left.get(0).contains("destination_workload=\"orders\""));
    assertEquals(0, metrics.forget("other-namespace", "web"));
  }

  @Test
  void standaloneEndpointsUseTheirPodName() {
    assertEquals("ns-a", FlowMetrics.workload(Endpoint.newBuilder().setPodName("ns-a").build()));
    assertEquals("", FlowMetrics.workload(Endpoint.getDefaultInstance()));
  }

  @Test
  void readingsAreRenderedAsCountersOrGauges() {
    AtomicLong drops = new AtomicLong(4);
    metrics.reading("hmesh_kernel_ringbuf_drops_total", "Drops.", true, drops::get)
        .reading("hmesh_flows_stored", "Stored.", false, () -> 12)
        .reading("hmesh_broken", "Gone.", false, () -> {
          throw new IllegalStateException("closed");
        });
    String text = metrics.render();
    assertTrue(text.contains("# TYPE hmesh_kernel_ringbuf_drops_total counter\nhmesh_kernel_ringbuf_drops_total 4\n"),
        text);
    assertTrue(text.contains("# TYPE hmesh_flows_stored gauge\nhmesh_flows_stored 12\n"), text);
    assertFalse(text.contains("hmesh_broken"), text);
    assertThrows(IllegalArgumentException.class, () -> metrics.reading("bad name", "", true, () -> 0));
  }

  @Test
  void theUprobeCostIsAFixedGaugeInSecondsOfWhatWasMeasured() {
    UprobeCostMetrics.register(metrics, new UprobeCost(880, 9_900, 1_400, UprobeCost.NOT_MEASURED, "6.18",
        java.time.Instant.EPOCH, 41_500, "absurd"));
    String text = metrics.render();
    assertTrue(text.contains("# TYPE hmesh_uprobe_hit_cost_seconds gauge\n"
        + "hmesh_uprobe_hit_cost_seconds{kind=\"emulated\",return=\"false\"} 0.00000088\n"
        + "hmesh_uprobe_hit_cost_seconds{kind=\"emulated\",return=\"true\"} 0.0000014\n"
        + "hmesh_uprobe_hit_cost_seconds{kind=\"single_stepped\",return=\"false\"} 0.0000099\n"), text);
    assertFalse(text.contains("kind=\"single_stepped\",return=\"true\""), "not measured, not shown");
    assertTrue(text.contains("hmesh_uprobe_calibration_duration_seconds 0.0415\n"), text);
  }

  @Test
  void anUnmeasuredUprobeCostAddsNothing() {
    UprobeCostMetrics.register(metrics, UprobeCost.notMeasured("no BPF", "6.18", java.time.Instant.EPOCH, 3));
    UprobeCostMetrics.register(metrics, null);
    assertFalse(metrics.render().contains("uprobe"));
    assertThrows(IllegalArgumentException.class, () -> metrics.fixedGauge("x", "", List.of("a"),
        java.util.Map.of(List.of("1", "2"), 1.0)));
  }

  @Test
  void badOptionsAreClearErrors() {
    assertThrows(IllegalArgumentException.class, () -> new MetricsOptions(0, Duration.ofMinutes(1)));
    assertThrows(IllegalArgumentException.class, () -> new MetricsOptions(10, Duration.ZERO));
  }
}
