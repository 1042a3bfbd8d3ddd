package io.hybridmesh.controller.relay;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.GetNodesRequest;
import io.hybridmesh.api.observer.v1.GetNodesResponse;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.ListWorkloadsResponse;
import io.hybridmesh.api.observer.v1.LostEventCount;
import io.hybridmesh.api.observer.v1.Node;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.ServerStatusRequest;
import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The relay: one Observer API over every peer (each node's agent, and the controller's own access-log
 * flows), so that {@code hmesh observe --server <relay>} shows eBPF and sidecar flows together, in time
 * order, with a global {@code --last N}, and says which nodes it could not reach.
 */
public final class RelayService extends ObserverGrpc.ObserverImplBase implements AutoCloseable {

  private final PeerDirectory directory;
  private final PeerChannels channels;
  private final Supplier<Optional<List<WorkloadReport>>> workloads;
  private final RelayStream.RelayOptions options;
  private final String version;
  private final Clock clock;
  private final long startNanos = System.nanoTime();
  private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hmesh-relay-stream");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param channels makes the channel to a peer target (Netty in the controller: TLS with the relay's client
   *     certificate by default; in-process in tests); channels are kept per target
   * @param workloads the capability reports, when the relay knows them itself (from the cluster); empty =
   *     ask the peers and merge their answers
   */
  public RelayService(PeerDirectory directory, Function<String, ManagedChannel> channels,
      Supplier<Optional<List<WorkloadReport>>> workloads, String version) {
    this(directory, channels, workloads, version, RelayStream.RelayOptions.DEFAULT, Clock.systemUTC());
  }

  RelayService(PeerDirectory directory, Function<String, ManagedChannel> channels,
      Supplier<Optional<List<WorkloadReport>>> workloads, String version, RelayStream.RelayOptions options,
      Clock clock) {
    this.directory = directory;
    this.channels = new PeerChannels(channels);
    this.workloads = workloads;
    this.version = version;
    this.options = options;
    this.clock = clock;
  }

  private ObserverGrpc.ObserverStub stub(Peer p) {
    return ObserverGrpc.newStub(channels.of(p));
  }

  private ObserverGrpc.ObserverBlockingStub blocking(Peer p) {
    return ObserverGrpc.newBlockingStub(channels.of(p)).withDeadlineAfter(options.peerTimeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void getFlows(GetFlowsRequest req, StreamObserver<GetFlowsResponse> observer) {
    if (req.getFirst() && req.getFollow()) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("first cannot be combined with follow")
          .asRuntimeException());
      return;
    }
    if (req.getFollow() && req.hasUntil()) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription("until cannot be combined with follow")
          .asRuntimeException());
      return;
    }
    List<Peer> peers = directory.peers();
    channels.retain(peers);
    RelayStream stream = new RelayStream((ServerCallStreamObserver<GetFlowsResponse>) observer, peers,
        directory::peers, this::stub, options, clock);
    streams.execute(() -> stream.run(req));
  }

  @Override
  public void serverStatus(ServerStatusRequest req, StreamObserver<ServerStatusResponse> observer) {
    List<Peer> peers = directory.peers();
    Map<Peer, ServerStatusResponse> answers = ask(peers, p -> blocking(p).serverStatus(req));
    ServerStatusResponse.Builder b = ServerStatusResponse.newBuilder().setVersion(version)
        .setUptimeNs(System.nanoTime() - startNanos);
    Map<LostEventSource, Long> lost = new EnumMap<>(LostEventSource.class);
    for (Peer p : peers) {
      ServerStatusResponse s = answers.get(p);
      if (s == null) {
        b.setNumUnavailableNodes(b.getNumUnavailableNodes() + 1).addUnavailableNodes(p.name());
        continue;
      }
      b.setNumConnectedNodes(b.getNumConnectedNodes() + 1)
          .setNumFlows(b.getNumFlows() + s.getNumFlows())
          .setMaxFlows(b.getMaxFlows() + s.getMaxFlows())
          .setSeenFlows(b.getSeenFlows() + s.getSeenFlows())
          .setFlowsRate(b.getFlowsRate() + s.getFlowsRate());
      s.getLostEventsList().forEach(c -> lost.merge(c.getSource(), c.getCount(), Long::sum));
    }
    lost.forEach((source, count) -> b.addLostEvents(LostEventCount.newBuilder().setSource(source).setCount(count)));
    observer.onNext(b.build());
    observer.onCompleted();
  }

  @Override
  public void getNodes(GetNodesRequest req, StreamObserver<GetNodesResponse> observer) {
    List<Peer> peers = directory.peers();
    Map<Peer, GetNodesResponse> answers = ask(peers, p -> blocking(p).getNodes(req));
    GetNodesResponse.Builder b = GetNodesResponse.newBuilder();
    for (Peer p : peers) {
      GetNodesResponse r = answers.get(p);
      if (r == null) {
        b.addNodes(Node.newBuilder().setName(p.name()).setAddress(p.target()).setState(NodeState.NODE_UNAVAILABLE));
      } else {
        b.addAllNodes(r.getNodesList());
      }
    }
    observer.onNext(b.build());
    observer.onCompleted();
  }

  @Override
  public void listWorkloads(ListWorkloadsRequest req, StreamObserver<ListWorkloadsResponse> observer) {
    Optional<List<WorkloadReport>> own = workloads.get();
    Map<String, WorkloadReport> merged = new LinkedHashMap<>();
    if (own.isPresent()) {
      own.get().stream().filter(w -> matches(req, w)).forEach(w -> merged.put(key(w), w));
    } else {
      ask(directory.peers(), p -> blocking(p).listWorkloads(req)).values()
          .forEach(r -> r.getWorkloadsList().forEach(w -> merged.putIfAbsent(key(w), w)));
    }
    observer.onNext(ListWorkloadsResponse.newBuilder().addAllWorkloads(merged.values()).build());
    observer.onCompleted();
  }

  private static boolean matches(ListWorkloadsRequest req, WorkloadReport w) {
    return (req.getNamespaceCount() == 0 || req.getNamespaceList().contains(w.getNamespace()))
        && (req.getNamePrefixCount() == 0 || req.getNamePrefixList().stream().anyMatch(w.getName()::startsWith));
  }

  private static String key(WorkloadReport w) {
    return w.getNamespace() + "/" + w.getName();
  }

  /** Asks every peer at once; a peer that fails or times out is missing from the answer. */
  private <T> Map<Peer, T> ask(List<Peer> peers, Function<Peer, T> call) {
    Map<Peer, CompletableFuture<T>> futures = new LinkedHashMap<>();
    peers.forEach(p -> futures.put(p, CompletableFuture.supplyAsync(() -> call.apply(p), streams)));
    Map<Peer, T> out = new LinkedHashMap<>();
    futures.forEach((p, f) -> {
      try {
        out.put(p, f.get(options.peerTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // StatusRuntimeException or a timeout: the peer counts as unavailable.
      }
    });
    return out;
  }

  @Override
  public void close() {
    streams.shutdownNow();
    channels.close();
  }
}
