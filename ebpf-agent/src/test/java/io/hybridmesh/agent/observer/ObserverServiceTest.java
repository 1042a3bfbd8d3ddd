package io.hybridmesh.agent.observer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.observer.v1.FlowFilter;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetNodesRequest;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.LostEventCount;
import io.hybridmesh.api.observer.v1.Node;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ObserverServiceTest extends ObserverFixture {
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
