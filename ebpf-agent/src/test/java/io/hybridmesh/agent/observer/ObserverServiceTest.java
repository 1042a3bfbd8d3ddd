package io.hybridmesh.agent.observer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.observer.v1.FlowFilter;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.GetNodesRequest;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.LostEventCount;
import io.hybridmesh.api.observer.v1.Node;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObserverServiceTest {
  private static final AtomicLong NAMES = new AtomicLong();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private FlowRing ring;
  private RingSink sink;
  private ObserverService service;
  private ObserverServer server;
  private ManagedChannel channel;

  private void start(int capacity, List<WorkloadReport> workloads) throws Exception {
    start(capacity, workloads, ObserverService.DEFAULT_STALL_TIMEOUT);
  }

  private void start(int capacity, List<WorkloadReport> workloads, Duration stallTimeout) throws Exception {
    ring = new FlowRing(capacity);
    sink = new RingSink(ring);
    service = new ObserverService(sink, "node-1", "1.2.3", "localhost:4245", () -> workloads, stallTimeout);
    String name = "observer-test-" + NAMES.incrementAndGet();
    server = new ObserverServer(InProcessServerBuilder.forName(name), service).start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  private void start(int capacity) throws Exception {
    start(capacity, List.of());
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.stop(5, TimeUnit.SECONDS);
    }
  }

  static Flow flow(int i) {
    return Flow.newBuilder().setUuid("f" + i).setTime(Timestamp.newBuilder().setSeconds(1000 + i))
        .setVerdict(i % 2 == 0 ? Verdict.FORWARDED : Verdict.DROPPED)
        .setType(i % 3 == 0 ? FlowType.L7 : FlowType.L3_L4)
        .build();
  }

  private void write(int from, int to) {
    for (int i = from; i < to; i++) {
      sink.accept(flow(i));
    }
  }

  private ObserverGrpc.ObserverBlockingStub blocking() {
    return ObserverGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static String label(GetFlowsResponse r) {
    if (r.hasFlow()) {
      return r.getFlow().getUuid();
    }
    LostEvent l = r.getLostEvents();
    return "lost:" + l.getSource() + ":" + l.getNumEventsLost();
  }

  private List<String> get(GetFlowsRequest req) {
    List<String> out = new ArrayList<>();
    Iterator<GetFlowsResponse> it = blocking().getFlows(req);
    while (it.hasNext()) {
      out.add(label(it.next()));
    }
    return out;
  }

  /** An async follower whose received items land in a queue; ask for {@code initial} messages first. */
  private static final class Follower implements ClientResponseObserver<GetFlowsRequest, GetFlowsResponse> {
    final BlockingQueue<String> items = new LinkedBlockingQueue<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final int initial;
    volatile ClientCallStreamObserver<GetFlowsRequest> call;

    Follower(int initial) {
      this.initial = initial;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<GetFlowsRequest> requestStream) {
      call = requestStream;
      if (initial >= 0) {
        requestStream.disableAutoRequestWithInitial(initial);
      }
    }

    @Override
    public void onNext(GetFlowsResponse value) {
      items.add(label(value));
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {
      items.add("completed");
    }

    String take() throws InterruptedException {
      String s = items.poll(10, TimeUnit.SECONDS);
      assertNotNull(s, "timed out waiting for an item");
      return s;
    }
  }

  private Follower follow(int initial) {
    Follower f = new Follower(initial);
    ObserverGrpc.newStub(channel).getFlows(GetFlowsRequest.newBuilder().setFollow(true).build(), f);
    await().atMost(WAIT).until(() -> service.activeStreams() == 1);
    return f;
  }

  @Test
  void lastN() throws Exception {
    start(16);
    write(0, 10);
    assertEquals(List.of("f7", "f8", "f9"), get(GetFlowsRequest.newBuilder().setNumber(3).build()));
    assertEquals(List.of(), get(GetFlowsRequest.getDefaultInstance()));
  }

  @Test
  void firstN() throws Exception {
    start(16);
    write(0, 10);
    assertEquals(List.of("f0", "f1", "f2"),
        get(GetFlowsRequest.newBuilder().setNumber(3).setFirst(true).build()));
  }

  @Test
  void sinceUntil() throws Exception {
    start(16);
    write(0, 10);
    GetFlowsRequest req = GetFlowsRequest.newBuilder()
        .setSince(Timestamp.newBuilder().setSeconds(1003))
        .setUntil(Timestamp.newBuilder().setSeconds(1006)).build();
    assertEquals(List.of("f3", "f4", "f5"), get(req));
  }

  @Test
  void oddTimeRangesAndCountsBehaveSensibly() throws Exception {
    start(16);
    write(0, 10);
    GetFlowsRequest backwards = GetFlowsRequest.newBuilder()
        .setSince(Timestamp.newBuilder().setSeconds(1006))
        .setUntil(Timestamp.newBuilder().setSeconds(1003)).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> get(backwards));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("before since"), e.getStatus().getDescription());
    // A since in the future: nothing yet, not an error.
    assertEquals(List.of(), get(GetFlowsRequest.newBuilder()
        .setSince(Timestamp.newBuilder().setSeconds(4_000_000_000L)).build()));
    // --last 0 without follow: nothing, and the stream ends.
    assertEquals(List.of(), get(GetFlowsRequest.newBuilder().setNumber(0).build()));
  }

  @Test
  void allowAndDenyFiltersOverTheWire() throws Exception {
    start(64);
    write(0, 10);
    GetFlowsRequest req = GetFlowsRequest.newBuilder().setNumber(100)
        .addAllow(FlowFilter.newBuilder().addVerdict(Verdict.FORWARDED))
        .addDeny(FlowFilter.newBuilder().addUuid("f4"))
        .build();
    assertEquals(List.of("f0", "f2", "f6", "f8"), get(req));
    // Two allow filters OR; fields inside one filter AND.
    GetFlowsRequest req2 = GetFlowsRequest.newBuilder().setNumber(100)
        .addAllow(FlowFilter.newBuilder().addVerdict(Verdict.DROPPED).addFlowType(FlowType.L7))
        .addAllow(FlowFilter.newBuilder().addUuid("f8"))
        .build();
    assertEquals(List.of("f3", "f8", "f9"), get(req2));
  }

  @Test
  void invalidFilterIsInvalidArgument() throws Exception {
    start(16);
    write(0, 3);
    GetFlowsRequest bad = GetFlowsRequest.newBuilder().setNumber(10)
        .addAllow(FlowFilter.newBuilder().addProtocol("carrier-pigeon")).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> get(bad));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("carrier-pigeon"), e.getStatus().getDescription());

    GetFlowsRequest badRegex = GetFlowsRequest.newBuilder()
        .addDeny(FlowFilter.newBuilder().addHttpPath("([")).build();
    e = assertThrows(StatusRuntimeException.class, () -> get(badRegex));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("http_path"), e.getStatus().getDescription());

    GetFlowsRequest firstFollow = GetFlowsRequest.newBuilder().setFirst(true).setFollow(true).build();
    e = assertThrows(StatusRuntimeException.class, () -> get(firstFollow));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals(0, service.activeStreams());
  }

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
    Thread.sleep(300);
    assertNull(f.items.poll(), "sent while not ready");
    f.call.request(1000);
    // Ring of 8 holds f93..f100; the reader was at f1: 92 flows lost.
    assertEquals("lost:STORE_OVERWRITE:92", f.take());
    for (int i = 93; i <= 100; i++) {
      assertEquals("f" + i, f.take());
    }
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

  @Test
  void nonFollowStreamCompletes() throws Exception {
    start(16);
    write(0, 2);
    Follower f = new Follower(-1);
    ObserverGrpc.newStub(channel).getFlows(GetFlowsRequest.newBuilder().setNumber(5).build(), f);
    assertEquals("f0", f.take());
    assertEquals("f1", f.take());
    assertEquals("completed", f.take());
    await().atMost(WAIT).until(() -> service.activeStreams() == 0);
  }

  @Test
  void serverStatusCounters() throws Exception {
    start(8);
    write(0, 20);
    sink.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_RINGBUF).setNumEventsLost(3).build());
    sink.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_RINGBUF).setNumEventsLost(4).build());
    sink.lost(LostEvent.newBuilder().setSource(LostEventSource.AGENT_QUEUE).setNumEventsLost(1).build());
    ServerStatusResponse s = blocking().serverStatus(ServerStatusRequest.getDefaultInstance());
    assertEquals(8, s.getNumFlows());
    assertEquals(8, s.getMaxFlows());
    assertEquals(20, s.getSeenFlows());
    assertEquals("1.2.3", s.getVersion());
    assertEquals(1, s.getNumConnectedNodes());
    assertTrue(s.getUptimeNs() > 0);
    assertTrue(s.getFlowsRate() > 0, "rate " + s.getFlowsRate());
    assertTrue(s.getLostEventsList().contains(LostEventCount.newBuilder()
        .setSource(LostEventSource.KERNEL_RINGBUF).setCount(7).build()), s.toString());
    assertTrue(s.getLostEventsList().contains(LostEventCount.newBuilder()
        .setSource(LostEventSource.AGENT_QUEUE).setCount(1).build()), s.toString());
  }

  @Test
  void flowRateOverTheLastMinute() {
    AtomicLong now = new AtomicLong(0);
    RingSink s = new RingSink(new FlowRing(4), now::get);
    now.set(TimeUnit.SECONDS.toNanos(10));
    for (int i = 0; i < 50; i++) {
      s.accept(flow(i));
    }
    assertEquals(5.0, s.flowsPerSecond(), 1e-9); // since start: 50 flows in 10 s
    now.set(TimeUnit.SECONDS.toNanos(100));
    for (int i = 0; i < 120; i++) {
      s.accept(flow(i));
    }
    assertEquals(2.0, s.flowsPerSecond(), 1e-9); // the first 50 are older than a minute
    now.set(TimeUnit.SECONDS.toNanos(200));
    assertEquals(0.0, s.flowsPerSecond(), 1e-9);
  }

  @Test
  void nodesAndWorkloads() throws Exception {
    WorkloadReport web = WorkloadReport.newBuilder().setName("web").setNamespace("demo").build();
    WorkloadReport api = WorkloadReport.newBuilder().setName("api").setNamespace("prod").build();
    start(8, List.of(web, api));
    write(0, 3);
    List<Node> nodes = blocking().getNodes(GetNodesRequest.getDefaultInstance()).getNodesList();
    assertEquals(1, nodes.size());
    assertEquals("node-1", nodes.get(0).getName());
    assertEquals(NodeState.NODE_CONNECTED, nodes.get(0).getState());
    assertEquals(3, nodes.get(0).getSeenFlows());
    assertEquals(List.of(web, api),
        blocking().listWorkloads(ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList());
    assertEquals(List.of(api),
        blocking().listWorkloads(ListWorkloadsRequest.newBuilder().addNamespace("prod").build())
            .getWorkloadsList());
    assertEquals(List.of(web),
        blocking().listWorkloads(ListWorkloadsRequest.newBuilder().addNamePrefix("we").build())
            .getWorkloadsList());
  }
}
