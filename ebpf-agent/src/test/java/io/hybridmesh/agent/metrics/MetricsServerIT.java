package io.hybridmesh.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scrapes the real HTTP endpoint on a free port. */
class MetricsServerIT {

  @Test
  void scrapeOverHttp() throws Exception {
    FlowMetrics metrics = new FlowMetrics(MetricsOptions.DEFAULT);
    metrics.reading("hmesh_flows_capacity", "Flows the ring can hold.", false, () -> 65536);
    metrics.accept(Flow.newBuilder().setType(FlowType.L3_L4).setVerdict(Verdict.FORWARDED)
        .setDataPath(DataPath.EBPF).build());
    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, metrics)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI base = URI.create("http://127.0.0.1:" + server.port());
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
      assertTrue(r.body().contains(
          "hmesh_flows_processed_total{type=\"L3_L4\",verdict=\"FORWARDED\",data_path=\"EBPF\"} 1\n"), r.body());
      assertTrue(r.body().contains("hmesh_flows_capacity 65536\n"), r.body());

      HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      HttpResponse<String> other = client.send(HttpRequest.newBuilder(base.resolve("/other")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, other.statusCode());
    }
  }
}
