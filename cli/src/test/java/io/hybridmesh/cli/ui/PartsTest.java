package io.hybridmesh.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.observer.v1.FlowBatch;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.cli.CompactPrinter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gateway's small parts: latency buckets, the bounded queue, the lines for the page. */
class PartsTest {

  @Test
  void histogramQuantilesAreWithinABucket() {
    LatencyHistogram h = new LatencyHistogram();
    assertEquals(0, h.quantile(0.99));
    for (long v = 1; v <= 1000; v++) {
      h.add(v * 1000); // 1 µs .. 1 ms
    }
    long p50 = h.quantile(0.5);
    long p99 = h.quantile(0.99);
    assertTrue(p50 >= 500_000 && p50 <= 500_000 * 1.125, "p50 " + p50);
    assertTrue(p99 >= 990_000 && p99 <= 990_000 * 1.125, "p99 " + p99);
    for (int i = 0; i < 255; i++) {
      assertTrue(LatencyHistogram.upperBound(i) < LatencyHistogram.upperBound(i + 1));
      assertEquals(i, LatencyHistogram.index(LatencyHistogram.upperBound(i)), "bucket " + i);
    }
    h.add(Long.MAX_VALUE);
    h.add(-5);
    assertEquals(1002, h.count());
  }

  @Test
  void aSlowReaderGetsDroppedFlowsCountedNotABiggerQueue() throws Exception {
    BoundedLines q = new BoundedLines(10);
    assertTrue(q.offer("12345", 3));
    assertTrue(q.offer("6789", 2));
    assertFalse(q.offer("ab", 4), "over the budget");
    assertFalse(q.offer("cdefgh", 5));
    assertEquals(9, q.queuedChars());
    assertEquals(9, q.takeDropped());
    assertEquals(0, q.takeDropped());
    assertEquals("12345", q.poll(1, TimeUnit.SECONDS));
    assertTrue(q.offer("ab", 1), "room again");
    q.end();
    assertFalse(q.offer("late", 1));
    assertEquals("6789", q.poll(1, TimeUnit.SECONDS));
    assertEquals("ab", q.poll(1, TimeUnit.SECONDS));
    assertTrue(q.finished());
    assertNull(q.poll(1, TimeUnit.SECONDS));
  }

  @Test
  void aFlowLineCarriesWhatHmeshObservePrintsAndNothingElse() {
    io.hybridmesh.api.flow.v1.Flow f = TestFlows.response("frontend", "backend", Reporter.CLIENT, 503, 1_100_000,
        Instant.parse("2026-11-27T08:54:03.010Z"));
    FlowLines lines = new FlowLines(ZoneOffset.UTC);
    String line = lines.line(GetFlowsResponse.newBuilder().setFlows(FlowBatch.newBuilder().addFlows(f)).build());
    JsonObject row = JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("flows").get(0).getAsJsonObject();
    CompactPrinter p = new CompactPrinter(ZoneOffset.UTC);
    assertEquals(p.compact(f), String.join(" ", row.get("time").getAsString(), row.get("source").getAsString(), "->",
        row.get("destination").getAsString(), row.get("type").getAsString(), row.get("verdict").getAsString(),
        row.get("summary").getAsString()));
    assertEquals(io.hybridmesh.agent.flow.ProtoJson.print(f), row.get("flow").toString(), "hmesh observe -o json");
    assertEquals(7, row.size());
  }

  @Test
  void lostEventsReadAsInTheTerminal() {
    LostEvent e = LostEvent.newBuilder().setSource(LostEventSource.values()[1]).setNumEventsLost(12).build();
    String line = new FlowLines(ZoneOffset.UTC).line(GetFlowsResponse.newBuilder().setLostEvents(e).build());
    JsonObject lost = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("lost");
    assertEquals(CompactPrinter.lost(e), lost.get("text").getAsString());
    assertEquals(12, lost.get("count").getAsLong());
    JsonObject ours = JsonParser.parseString(FlowLines.gatewayLost(40)).getAsJsonObject().getAsJsonObject("lost");
    assertTrue(ours.get("text").getAsString().startsWith("EVENTS LOST: 40 (UI_GATEWAY"));
  }
}
