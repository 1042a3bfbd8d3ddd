package io.hybridmesh.agent.observer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
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

/**
 * An ObserverService on an in-process server with a ring of flows, and the clients its tests use: blocking
 * queries, and followers that read as much as they are told to.
 */
abstract class ObserverFixture {
  static final AtomicLong NAMES = new AtomicLong();
  static final Duration WAIT = Duration.ofSeconds(10);

  FlowRing ring;
  RingSink sink;
  ObserverService service;
  ObserverServer server;
  ManagedChannel channel;

  void start(int capacity, List<WorkloadReport> workloads) throws Exception {
    start(capacity, workloads, ObserverService.DEFAULT_STALL_TIMEOUT);
  }

  void start(int capacity, List<WorkloadReport> workloads, Duration stallTimeout) throws Exception {
    ring = new FlowRing(capacity);
    sink = new RingSink(ring);
    service = new ObserverService(sink, "node-1", "1.2.3", "localhost:4245", () -> workloads, stallTimeout);
    String name = "observer-test-" + NAMES.incrementAndGet();
    server = new ObserverServer(InProcessServerBuilder.forName(name), service).start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  void start(int capacity) throws Exception {
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

  void write(int from, int to) {
    for (int i = from; i < to; i++) {
      sink.accept(flow(i));
    }
  }

  ObserverGrpc.ObserverBlockingStub blocking() {
    return ObserverGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  static String label(GetFlowsResponse r) {
    if (r.hasFlow()) {
      return r.getFlow().getUuid();
    }
    LostEvent l = r.getLostEvents();
    return "lost:" + l.getSource() + ":" + l.getNumEventsLost();
  }

  List<String> get(GetFlowsRequest req) {
    List<String> out = new ArrayList<>();
    Iterator<GetFlowsResponse> it = blocking().getFlows(req);
    while (it.hasNext()) {
      out.add(label(it.next()));
    }
    return out;
  }

  /** An async follower whose received items land in a queue; ask for {@code initial} messages first. */
  static final class Follower implements ClientResponseObserver<GetFlowsRequest, GetFlowsResponse> {
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

  Follower follow(int initial) {
    Follower f = new Follower(initial);
    ObserverGrpc.newStub(channel).getFlows(GetFlowsRequest.newBuilder().setFollow(true).build(), f);
    await().atMost(WAIT).until(() -> service.activeStreams() == 1);
    return f;
  }
}
