package io.hybridmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Label values kept between flows never carry one flow's labels over to the next. */
class FlowMetricsLabelsTest {

  private final FlowMetrics metrics = new FlowMetrics(new MetricsOptions(100, Duration.ofMinutes(5)), () -> 1000);

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).sorted().toList();
  }

  @Test
  void alternatingKindsOfFlowsAreEachCountedUnderTheirOwnLabels() {
    Flow l7 = Flow.newBuilder().setType(FlowType.L7).setVerdict(Verdict.FORWARDED).setDataPath(DataPath.EBPF).build();
    Flow l4 = Flow.newBuilder().setType(FlowType.L3_L4).setVerdict(Verdict.FORWARDED).setDataPath(DataPath.EBPF)
        .build();
    Flow dropped = l4.toBuilder().setVerdict(Verdict.DROPPED).build();
    Flow sidecar = l7.toBuilder().setDataPath(DataPath.SIDECAR).build();
    Flow unknown = l7.toBuilder().setTypeValue(99).build();
    for (Flow f : List.of(l7, l4, l7, dropped, l7, sidecar, sidecar, unknown, l7)) {
      metrics.accept(f);
    }
    assertEquals(List.of(
        "hmesh_flows_processed_total{type=\"L3_L4\",verdict=\"DROPPED\",data_path=\"EBPF\"} 1",
        "hmesh_flows_processed_total{type=\"L3_L4\",verdict=\"FORWARDED\",data_path=\"EBPF\"} 1",
        "hmesh_flows_processed_total{type=\"L7\",verdict=\"FORWARDED\",data_path=\"EBPF\"} 4",
        "hmesh_flows_processed_total{type=\"L7\",verdict=\"FORWARDED\",data_path=\"SIDECAR\"} 2",
        "hmesh_flows_processed_total{type=\"UNRECOGNIZED\",verdict=\"FORWARDED\",data_path=\"EBPF\"} 1"),
        lines(metrics.render(), "hmesh_flows_processed_total{"));
  }

  @Test
  void statusClassesAndReportersAreTheSameValuesAsBefore() {
    assertEquals("1xx", FlowMetrics.statusClass(100));
    assertEquals("2xx", FlowMetrics.statusClass(204));
    assertEquals("5xx", FlowMetrics.statusClass(599));
    assertEquals("unknown", FlowMetrics.statusClass(99));
    assertEquals("unknown", FlowMetrics.statusClass(600));
    for (int reporter : new int[] {0, 1, 2, 7}) {
      metrics.accept(Flow.newBuilder().setType(FlowType.L7).setReporterValue(reporter)
          .setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(1)
              .setHttp(HTTP.newBuilder().setMethod("GET").setCode(200))).build());
    }
    List<String> reporters = lines(metrics.render(), "hmesh_http_requests_total{").stream()
        .map(l -> l.replaceAll(".*reporter=\"([^\"]*)\".*", "$1")).sorted().toList();
    assertEquals(List.of("client", "server", "unknown", "unrecognized"), reporters);
  }
}
