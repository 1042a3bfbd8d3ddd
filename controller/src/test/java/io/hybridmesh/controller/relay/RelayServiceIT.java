package io.hybridmesh.controller.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.GetNodesRequest;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.Node;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayServiceIT {

  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> clients = new ArrayList<>();
  private FakeObserver a;
  private FakeObserver b;
  private FakeObserver c;
  private RelayService relay;
  private ObserverGrpc.ObserverBlockingStub client;
  private String prefix;

  @BeforeEach
  void setUp() throws Exception {
    prefix = "relay-it-" + System.nanoTime() + "-";
    a = serve(new FakeObserver("node-a"));
    b = serve(new FakeObserver("node-b"));
    c = serve(new FakeObserver("node-c"));
  }

  /** The relay's peers; tests may add one while a stream follows. */
  private final List<Peer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();

  private void startRelay(boolean withUnreachablePeer, Duration window) throws Exception {
    startRelay(withUnreachablePeer, window, 32_768);
  }

  private void startRelay(boolean withUnreachablePeer, Duration window, int clientBuffer) throws Exception {
    peers.addAll(List.of(peer(a), peer(b), peer(c)));
    if (withUnreachablePeer) {
      peers.add(new Peer("node-gone", prefix + "nobody-listens"));
    }
    relay = new RelayService(() -> List.copyOf(peers), t -> InProcessChannelBuilder.forName(t).build(),
        Optional::empty, "test", new RelayStream.RelayOptions(window, 10_000, Duration.ofSeconds(5),
            Duration.ofSeconds(5), clientBuffer), Clock.systemUTC());
    servers.add(InProcessServerBuilder.forName(prefix + "relay").addService(relay).build().start());
    ManagedChannel ch = InProcessChannelBuilder.forName(prefix + "relay").build();
    clients.add(ch);
    client = ObserverGrpc.newBlockingStub(ch);
  }

  private FakeObserver serve(FakeObserver o) throws Exception {
    servers.add(InProcessServerBuilder.forName(prefix + o.node).addService(o).build().start());
    return o;
  }

  private Peer peer(FakeObserver o) {
    return new Peer(o.node, prefix + o.node);
  }

  @AfterEach
  void tearDown() {
    clients.forEach(ManagedChannel::shutdownNow);
    if (relay != null) {
      relay.close();
    }
    servers.forEach(Server::shutdownNow);
  }

  private void storeNine() {
    for (int i = 1; i <= 9; i++) {
      FakeObserver o = i % 3 == 1 ? a : i % 3 == 2 ? b : c;
      o.store("f" + i, i);
    }
  }

  private static List<String> uuids(Iterator<GetFlowsResponse> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(r -> {
      if (r.hasFlow()) {
        out.add(r.getFlow().getUuid());
      }
    });
    return out;
  }

  @Test
  void lastNIsGlobalNotPerNodeAndInTimeOrder() throws Exception {
    startRelay(false, Duration.ofMillis(100));
    storeNine();
    assertEquals(List.of("f6", "f7", "f8", "f9"),
        uuids(client.getFlows(GetFlowsRequest.newBuilder().setNumber(4).build())));
    assertEquals(List.of("f1", "f2"),
        uuids(client.getFlows(GetFlowsRequest.newBuilder().setNumber(2).setFirst(true).build())));
    assertEquals(List.of("f3", "f4", "f5", "f6"), uuids(client.getFlows(GetFlowsRequest.newBuilder()
        .setSince(Timestamp.newBuilder().setSeconds(3)).setUntil(Timestamp.newBuilder().setSeconds(7)).build())));
    assertEquals(4, a.requests.get(0).getNumber(), "every node is asked for N, the relay keeps N of all");
  }

  @Test
  void anUnreachableNodeIsReportedAndTheOthersStillAnswer() throws Exception {
    startRelay(true, Duration.ofMillis(100));
    storeNine();
    List<GetFlowsResponse> all = new ArrayList<>();
    client.getFlows(GetFlowsRequest.newBuilder().setNumber(3).build()).forEachRemaining(all::add);
    assertEquals(List.of("f7", "f8", "f9"), all.stream().filter(GetFlowsResponse::hasFlow)
        .map(r -> r.getFlow().getUuid()).toList());
    GetFlowsResponse status = all.stream().filter(GetFlowsResponse::hasNodeStatus).findFirst().orElseThrow();
    assertEquals(NodeState.NODE_UNAVAILABLE, status.getNodeStatus().getStateChange());
    assertEquals(List.of("node-gone"), status.getNodeStatus().getNodeNamesList());

    ServerStatusResponse s = client.serverStatus(ServerStatusRequest.getDefaultInstance());
    assertEquals(3, s.getNumConnectedNodes());
    assertEquals(List.of("node-gone"), s.getUnavailableNodesList());
    assertEquals(9, s.getNumFlows());
    assertEquals(300, s.getMaxFlows());

    List<Node> nodes = client.getNodes(GetNodesRequest.getDefaultInstance()).getNodesList();
    assertEquals(4, nodes.size());
    assertEquals(NodeState.NODE_UNAVAILABLE, nodes.get(3).getState());
  }

  @Test
  void followMergesLiveFlowsByTimeAndReportsANodeThatGoes() throws Exception {
    startRelay(false, Duration.ofMillis(800));
    storeNine();
    List<GetFlowsResponse> got = new CopyOnWriteArrayList<>();
    ObserverGrpc.newStub(clients.get(0)).getFlows(
        GetFlowsRequest.newBuilder().setNumber(2).setFollow(true).build(), collect(got, null));
    await().until(() -> got.size() >= 2);
    await().until(() -> a.followers.size() == 1 && b.followers.size() == 1 && c.followers.size() == 1);

    Instant now = Instant.now();
    // b's flow happened later than a's but arrives first: the relay sends a's first.
    publish(b, "late", now.plusMillis(200));
    publish(a, "early", now.plusMillis(100));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().filter(GetFlowsResponse::hasFlow).count() == 4);
    assertEquals(List.of("f8", "f9", "early", "late"), got.stream().filter(GetFlowsResponse::hasFlow)
        .map(r -> r.getFlow().getUuid()).toList());
    assertTrue(got.stream().filter(GetFlowsResponse::hasFlow).allMatch(r -> !r.getNodeName().isEmpty()));

    c.endFollowers(Status.UNAVAILABLE.withDescription("agent restarting"));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(GetFlowsResponse::hasNodeStatus));
    GetFlowsResponse gone = got.stream().filter(GetFlowsResponse::hasNodeStatus).findFirst().orElseThrow();
    assertEquals(NodeState.NODE_GONE, gone.getNodeStatus().getStateChange());
    assertTrue(gone.getNodeStatus().getMessage().contains("agent restarting"), gone.getNodeStatus().getMessage());
  }

  @Test
  void aFollowerPicksUpANodeThatAppearsAndANodeThatComesBack() throws Exception {
    startRelay(false, Duration.ofMillis(100));
    List<GetFlowsResponse> got = new CopyOnWriteArrayList<>();
    ObserverGrpc.newStub(clients.get(0)).getFlows(GetFlowsRequest.newBuilder().setFollow(true).build(),
        collect(got, null));
    await().until(() -> a.followers.size() == 1);

    FakeObserver d = serve(new FakeObserver("node-d"));
    peers.add(peer(d));
    await().atMost(Duration.ofSeconds(10)).until(() -> d.followers.size() == 1);
    publish(d, "from-d", Instant.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream()
        .anyMatch(r -> r.hasFlow() && r.getFlow().getUuid().equals("from-d")));

    publish(a, "before-restart", Instant.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream()
        .anyMatch(r -> r.hasFlow() && r.getFlow().getUuid().equals("before-restart")));
    a.endFollowers(Status.UNAVAILABLE.withDescription("agent restarting"));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.followers.size() == 1);
    publish(a, "from-a-again", Instant.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream()
        .anyMatch(r -> r.hasFlow() && r.getFlow().getUuid().equals("from-a-again")));
    assertTrue(got.stream().anyMatch(r -> r.hasNodeStatus()
        && r.getNodeStatus().getStateChange() == NodeState.NODE_GONE), "the gap was reported");
    assertEquals(1, got.stream().filter(r -> r.hasFlow() && r.getFlow().getUuid().equals("from-d")).count());
    publish(d, "later-from-d", Instant.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream()
        .anyMatch(r -> r.hasFlow() && r.getFlow().getUuid().equals("later-from-d")));
    assertEquals(1, got.stream().filter(r -> r.hasFlow() && r.getFlow().getUuid().equals("before-restart")).count(),
        "a node followed again resumes after what was sent, nothing twice");
  }

  @Test
  void aClientThatDoesNotReadLosesLiveFlowsCountedExactly() throws Exception {
    startRelay(false, Duration.ZERO, 1000); // the relay holds 1,000 flows for it, then drops the oldest
    List<GetFlowsResponse> got = new CopyOnWriteArrayList<>();
    AtomicLong requestMore = new AtomicLong();
    ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
    ObserverGrpc.newStub(clients.get(0)).getFlows(GetFlowsRequest.newBuilder().setFollow(true).build(),
        collect(got, call));
    await().until(() -> a.followers.size() == 1);
    Instant now = Instant.now();
    int published = 3000;
    for (int i = 0; i < published; i++) {
      publish(a, "x" + i, now.plusNanos(i));
    }
    // Nothing read yet: the relay cannot hold them all for this client; it counts what it drops. The relay
    // asks node-a for more only as it takes messages in (a few in flight), so node-a's stream is ready again
    // once the relay has taken in all but those few: then it has queued 1,000 and dropped the rest.
    await().atMost(Duration.ofSeconds(10)).until(() -> a.followers.get(0).isReady());
    call[0].request(Integer.MAX_VALUE);
    publish(a, "after", now.plusSeconds(1));
    await().atMost(Duration.ofSeconds(10)).until(() -> got.stream().anyMatch(r -> r.hasFlow()
        && r.getFlow().getUuid().equals("after")));
    long flows = got.stream().filter(GetFlowsResponse::hasFlow).count();
    long lost = got.stream().filter(GetFlowsResponse::hasLostEvents)
        .peek(r -> assertEquals(LostEventSource.RELAY_QUEUE, r.getLostEvents().getSource()))
        .mapToLong(r -> r.getLostEvents().getNumEventsLost()).sum();
    assertTrue(lost > 0, "some were dropped: " + flows);
    assertEquals(published + 1, flows + lost, "every flow was either sent or counted as lost");
    requestMore.incrementAndGet();
  }

  @Test
  void contradictoryRequestsAreRefused() throws Exception {
    startRelay(false, Duration.ofMillis(100));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.getFlows(
        GetFlowsRequest.newBuilder().setFirst(true).setFollow(true).setNumber(1).build()).hasNext());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void workloadsAreMergedFromTheNodesWhenTheRelayHasNoneOfItsOwn() throws Exception {
    startRelay(true, Duration.ofMillis(100));
    a.workloads = List.of(WorkloadReport.newBuilder().setNamespace("demo").setName("backend").build());
    b.workloads = List.of(WorkloadReport.newBuilder().setNamespace("demo").setName("backend").build(),
        WorkloadReport.newBuilder().setNamespace("demo").setName("frontend").build());
    assertEquals(List.of("backend", "frontend"), client.listWorkloads(ListWorkloadsRequest.getDefaultInstance())
        .getWorkloadsList().stream().map(WorkloadReport::getName).toList());
  }

  private static void publish(FakeObserver o, String uuid, Instant at) {
    Flow f = Flow.newBuilder().setUuid(uuid).setNodeName(o.node)
        .setTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build();
    o.stored.add(f); // as an agent's ring keeps it: a follower that comes back could be sent it again
    o.followers.forEach(s -> s.onNext(GetFlowsResponse.newBuilder().setNodeName(o.node).setTime(f.getTime())
        .setFlow(f).build()));
  }

  private static ClientResponseObserver<GetFlowsRequest, GetFlowsResponse> collect(List<GetFlowsResponse> got,
      ClientCallStreamObserver<?>[] manual) {
    return new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<GetFlowsRequest> stream) {
        if (manual != null) {
          manual[0] = stream;
          stream.disableAutoRequestWithInitial(0);
        }
      }

      @Override
      public void onNext(GetFlowsResponse value) {
        got.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
