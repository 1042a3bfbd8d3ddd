package io.hybridmesh.agent.observer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlowRingTest {

  static Flow flow(int i) {
    return Flow.newBuilder().setUuid("f" + i).setTime(Timestamp.newBuilder().setSeconds(1000 + i))
        .setVerdict(i % 2 == 0 ? Verdict.FORWARDED : Verdict.DROPPED).build();
  }

  static FlowRing ring(int cap, int n) {
    FlowRing r = new FlowRing(cap);
    for (int i = 0; i < n; i++) {
      r.write(flow(i));
    }
    return r;
  }

  /** Drains a non-follow cursor; flows as "fN", lost events as "lost:N". */
  static List<String> drain(FlowRing.Cursor c) {
    List<String> out = new ArrayList<>();
    FlowRing.Item it;
    while ((it = c.poll()) != null) {
      out.add(it.isFlow() ? it.flow().getUuid() : "lost:" + it.lost().getNumEventsLost());
    }
    return out;
  }

  static Timestamp ts(long s) {
    return Timestamp.newBuilder().setSeconds(s).build();
  }

  @Test
  void counters() {
    FlowRing r = ring(8, 20);
    assertEquals(8, r.capacity());
    assertEquals(20, r.seen());
    assertEquals(8, r.stored());
    assertEquals(3, ring(8, 3).stored());
    assertThrows(IllegalArgumentException.class, () -> new FlowRing(0));
  }

  @Test
  void lastN() {
    FlowRing r = ring(8, 20);
    assertEquals(List.of("f17", "f18", "f19"), drain(r.open(FlowRing.Query.last(3), null)));
    assertEquals(8, drain(r.open(FlowRing.Query.last(100), null)).size());
    assertEquals(List.of(), drain(r.open(FlowRing.Query.last(0), null)));
    // last N matching: the last two DROPPED (odd) flows.
    assertEquals(List.of("f17", "f19"),
        drain(r.open(FlowRing.Query.last(2), f -> f.getVerdict() == Verdict.DROPPED)));
  }

  @Test
  void firstN() {
    FlowRing r = ring(8, 20);
    assertEquals(List.of("f12", "f13"), drain(r.open(FlowRing.Query.firstN(2), null)));
    assertEquals(List.of("f12", "f14", "f16"),
        drain(r.open(FlowRing.Query.firstN(3), f -> f.getVerdict() == Verdict.FORWARDED)));
    assertThrows(IllegalArgumentException.class, () -> new FlowRing.Query(1, true, true, null, null));
  }

  @Test
  void sinceUntil() {
    FlowRing r = ring(16, 10); // times 1000..1009
    assertEquals(List.of("f3", "f4"), drain(r.open(new FlowRing.Query(0, false, false, ts(1003), ts(1005)), null)));
    assertEquals(List.of("f8", "f9"), drain(r.open(new FlowRing.Query(0, false, false, ts(1008), null), null)));
    assertEquals(List.of("f0", "f1"), drain(r.open(new FlowRing.Query(0, false, false, null, ts(1002)), null)));
    assertThrows(IllegalArgumentException.class, () -> new FlowRing.Query(0, false, false, ts(1005), ts(1003)),
        "until before since is a mistake to report, not an empty answer");
    assertEquals(List.of(), drain(r.open(new FlowRing.Query(0, false, false, ts(5000), null), null)),
        "since in the future is empty");
    assertEquals(List.of("f5", "f6"), drain(r.open(new FlowRing.Query(2, false, false, ts(1003), ts(1007)), null)));
    assertEquals(List.of("f3", "f4"), drain(r.open(new FlowRing.Query(2, true, false, ts(1003), ts(1007)), null)));
    assertThrows(IllegalArgumentException.class, () -> new FlowRing.Query(0, false, true, null, ts(1)));
  }

  @Test
  void overwriteGivesExactLostEvents() {
    FlowRing r = ring(4, 4);
    FlowRing.Cursor c = r.open(new FlowRing.Query(4, false, true, null, null), null);
    assertEquals("f0", c.poll().flow().getUuid());
    for (int i = 4; i < 10; i++) {
      r.write(flow(i)); // f1..f5 get overwritten before the cursor reads them
    }
    FlowRing.Item lost = c.poll();
    assertNotNull(lost.lost());
    assertEquals(LostEventSource.STORE_OVERWRITE, lost.lost().getSource());
    assertEquals(5, lost.lost().getNumEventsLost());
    assertEquals(List.of("f6", "f7", "f8", "f9"), drain(c));
    assertEquals(5, c.lost());
    assertEquals(5, r.lostToReaders());
  }

  @Test
  void backlogCursorCountsOnlyItsOwnRange() {
    FlowRing r = ring(4, 4);
    FlowRing.Cursor c = r.open(FlowRing.Query.firstN(100), null);
    assertEquals("f0", c.poll().flow().getUuid());
    for (int i = 4; i < 10; i++) {
      r.write(flow(i));
    }
    // The backlog was f0..f3; f1..f3 were overwritten, later flows are not part of it.
    assertEquals(List.of("lost:3"), drain(c));
    assertTrue(c.isDone());
  }

  @Test
  void capacityOne() {
    FlowRing r = ring(1, 3);
    assertEquals(1, r.stored());
    assertEquals(List.of("f2"), drain(r.open(FlowRing.Query.last(5), null)));
    FlowRing.Cursor c = r.open(FlowRing.Query.followNew(), null);
    assertNull(c.poll());
    r.write(flow(3));
    r.write(flow(4));
    r.write(flow(5));
    assertEquals(List.of("lost:2", "f5"), drain(c));
    r.write(flow(6));
    assertEquals(List.of("f6"), drain(c));
  }

  @Test
  void followWithConcurrentWriterSeesEveryFlowOrCountsIt() throws Exception {
    FlowRing r = new FlowRing(64);
    int total = 200_000;
    FlowRing.Cursor c = r.open(FlowRing.Query.followNew(), null);
    AtomicReference<Throwable> err = new AtomicReference<>();
    Thread w = new Thread(() -> {
      try {
        for (int i = 0; i < total; i++) {
          r.write(flow(i));
        }
      } catch (Throwable t) {
        err.set(t);
      }
    });
    w.start();
    long flows = 0;
    long lost = 0;
    long lastSeq = -1;
    while (flows + lost < total) {
      FlowRing.Item it = c.next(5, TimeUnit.SECONDS);
      assertNotNull(it, "stalled after " + (flows + lost));
      if (it.isFlow()) {
        assertTrue(it.seq() > lastSeq, "in order");
        assertEquals("f" + it.seq(), it.flow().getUuid());
        lastSeq = it.seq();
        flows++;
      } else {
        lost += it.lost().getNumEventsLost();
      }
    }
    w.join();
    assertNull(err.get());
    assertEquals(total, flows + lost);
    assertEquals(lost, c.lost());
    assertNull(c.next(10, TimeUnit.MILLISECONDS), "nothing more, times out");
    assertFalse(c.isDone());
  }

  @Test
  void followWakesUpOnWrite() throws Exception {
    FlowRing r = ring(8, 2);
    FlowRing.Cursor c = r.open(new FlowRing.Query(1, false, true, null, null), null);
    assertEquals("f1", c.next(1, TimeUnit.SECONDS).flow().getUuid());
    CompletableFuture<FlowRing.Item> next = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try {
        next.complete(c.next(5, TimeUnit.SECONDS));
      } catch (Throwable e) {
        next.completeExceptionally(e);
      }
    }, "ring-follower");
    reader.start();
    // The write must find the reader waiting; otherwise this would only show a read of what is there.
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.TIMED_WAITING);
    r.write(flow(2));
    FlowRing.Item it = next.get(5, TimeUnit.SECONDS);
    assertNotNull(it);
    assertEquals("f2", it.flow().getUuid());
  }

  @Test
  void sinceWithFollowBackfills() {
    FlowRing r = ring(16, 6);
    FlowRing.Cursor c = r.open(new FlowRing.Query(0, false, true, ts(1004), null), null);
    assertEquals(List.of("f4", "f5"), drain(c));
    r.write(flow(6));
    assertEquals(List.of("f6"), drain(c));
  }
}
