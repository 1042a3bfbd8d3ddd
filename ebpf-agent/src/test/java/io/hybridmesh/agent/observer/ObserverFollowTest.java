package io.hybridmesh.agent.observer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Following streams: live flows, lost events in the stream, slow and stalled clients, cancellation. */
class ObserverFollowTest extends ObserverFixture {
  @Test
  void followReceivesFlowsWrittenAfterTheCall() throws Exception {
    start(16);
    write(0, 3); // backlog not asked for
    Follower f = follow(-1);
    write(3, 6);
    assertEquals("f3", f.take());
    assertEquals("f4", f.take());
    assertEquals("f5", f.take());
    write(6, 7);
    assertEquals("f6", f.take());
    f.call.cancel("done", null);
  }

  @Test
  void followWithBacklogThenLive() throws Exception {
    start(16);
    write(0, 5);
    Follower f = new Follower(-1);
    ObserverGrpc.newStub(channel).getFlows(
        GetFlowsRequest.newBuilder().setFollow(true).setNumber(2).build(), f);
    assertEquals("f3", f.take());
    assertEquals("f4", f.take());
    write(5, 6);
    assertEquals("f5", f.take());
    f.call.cancel("done", null);
  }

  @Test
  void cancelStopsTheFollowerThread() throws Exception {
    start(16);
    Follower f = follow(-1);
    assertEquals(1, sink.taps());
    f.call.cancel("client gone", null);
    await().atMost(WAIT).until(() -> service.activeStreams() == 0);
    assertEquals(0, sink.taps());
    write(0, 5); // nobody is reading; the writer does not care
    assertEquals(5, ring.seen());
  }

  @Test
  void slowReaderGetsLostEventsWithTheExactCount() throws Exception {
    start(8);
    Follower f = follow(1); // asks for one message, then reads nothing
    write(0, 1);
    assertEquals("f0", f.take());
    // The client reads nothing; the writer keeps going and overwrites the ring many times.
    long t0 = System.nanoTime();
    write(1, 101);
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "writer was slowed down by the reader");
    f.call.request(1000);
    // Ring of 8 holds f93..f100; the reader was at f1: 92 flows lost. f100, the last flow written, is the
    // marker: a flow sent while the reader was not ready would have waited in the transport and come
    // before it (and before the lost count), so the exact list up to it shows that none was.
    List<String> upToTheMarker = new ArrayList<>();
    while (upToTheMarker.isEmpty() || !upToTheMarker.get(upToTheMarker.size() - 1).equals("f100")) {
      upToTheMarker.add(f.take());
    }
    List<String> expected = new ArrayList<>(List.of("lost:STORE_OVERWRITE:92"));
    for (int i = 93; i <= 100; i++) {
      expected.add("f" + i);
    }
    assertEquals(expected, upToTheMarker);
    assertEquals(92, ring.lostToReaders());
    f.call.cancel("done", null);
  }

  @Test
  void clientThatNeverReadsIsEndedAfterTheStallTimeout() throws Exception {
    start(8, List.of(), Duration.ofMillis(200));
    Follower f = follow(1); // takes one message, then reads nothing
    write(0, 1);
    assertEquals("f0", f.take());
    write(1, 50); // the call is not ready: nothing more can be sent
    await().atMost(WAIT).until(() -> service.activeStreams() == 0);
    assertEquals(1, service.stalledStreams());
    assertEquals(0, sink.taps(), "the stream's lost-event tap is released");
    write(50, 100); // the writer never cared
    f.call.request(1000); // reading again now shows how the stream ended
    await().atMost(WAIT).until(() -> f.error.get() != null);
    Status status = Status.fromThrowable(f.error.get());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
    assertTrue(status.getDescription().contains("stall timeout"), status.getDescription());
  }

  @Test
  void stallTimeoutMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new ObserverService(new RingSink(new FlowRing(4)), "n",
        "v", "", List::of, Duration.ZERO));
  }

  @Test
  void followerGetsDataPathLostEvents() throws Exception {
    start(16);
    Follower f = follow(-1);
    sink.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_RINGBUF).setNumEventsLost(5).build());
    assertEquals("lost:KERNEL_RINGBUF:5", f.take());
    write(0, 1);
    assertEquals("f0", f.take());
    f.call.cancel("done", null);
  }
}
