package io.hybridmesh.agent.observer;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The Observer API over one node's {@link RingSink}/{@link FlowRing}.
 *
 * <p>Each GetFlows call is served by its own daemon thread reading a ring cursor, so neither the gRPC
 * executor nor the agent's writer ever waits for a client. The thread sends only when the call is ready
 * ({@link ServerCallStreamObserver#isReady()}), waiting in bounded slices otherwise; nothing is buffered
 * meanwhile, so a slow client falls behind in the ring and gets a STORE_OVERWRITE lost-event item counting
 * exactly what it missed. Followers also get the data path's lost events (kernel ring buffer, agent
 * queue, ...) reported while they follow. A cancelled call ends its thread within one wait slice.
 *
 * <p>A client that stops reading altogether (its flow-control window stays full) is ended after the stall
 * timeout with RESOURCE_EXHAUSTED: otherwise its thread, its lost-event tap and gRPC's buffered messages
 * would stay until the connection died, and enough such clients would exhaust the agent.
 */
public final class ObserverService extends ObserverGrpc.ObserverImplBase implements AutoCloseable {
  /** Longest single wait for a new flow or for readiness before re-checking cancellation. */
  static final long WAIT_SLICE_MS = 100;
  /**
   * Bytes gRPC may buffer for one stream before it stops being ready. With the default (32 KiB, about 45
   * flows) a fast stream thread sleeps and is woken through two thread hops every few dozen flows; 1 MiB
   * makes those hops rarer and still bounds the memory per stream. (Its effect on the benchmark was within
   * the noise of a shared 2-core machine; see README.)
   */
  static final int ON_READY_THRESHOLD_BYTES = 1 << 20;
  /** How long a stream may stay unable to send before it is ended. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

  private final RingSink sink;
  private final FlowRing ring;
  private final String nodeName;
  private final String version;
  private final String address;
  private final Supplier<List<WorkloadReport>> workloads;
  private final ExecutorService streams;
  private final long stallTimeoutNanos;
  private final AtomicInteger activeStreams = new AtomicInteger();
  private final AtomicLong stalledStreams = new AtomicLong();
  private volatile boolean closed;

  /** One node's service with no workload reports yet. */
  public ObserverService(RingSink sink, String nodeName) {
    this(sink, nodeName, defaultVersion(), "", List::of);
  }

  /**
   * @param address shown in GetNodes (e.g. "localhost:4245"); may be empty
   * @param workloads the capability reports for ListWorkloads, read on every call
   */
  public ObserverService(RingSink sink, String nodeName, String version, String address,
      Supplier<List<WorkloadReport>> workloads) {
    this(sink, nodeName, version, address, workloads, DEFAULT_STALL_TIMEOUT);
  }

  /** @param stallTimeout a stream that cannot send for this long is ended with RESOURCE_EXHAUSTED */
  public ObserverService(RingSink sink, String nodeName, String version, String address,
      Supplier<List<WorkloadReport>> workloads, Duration stallTimeout) {
    if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("the stall timeout must be positive, got " + stallTimeout);
    }
    this.stallTimeoutNanos = stallTimeout.toNanos();
    this.sink = sink;
    this.ring = sink.ring();
    this.nodeName = nodeName == null ? "" : nodeName;
    this.version = version == null ? "" : version;
    this.address = address == null ? "" : address;
    this.workloads = workloads == null ? List::of : workloads;
    AtomicInteger n = new AtomicInteger();
    this.streams = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "observer-stream-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  static String shown(long nanos) {
    long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  static String defaultVersion() {
    String v = ObserverService.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Streams ended because their client read nothing for the stall timeout. */
  public long stalledStreams() {
    return stalledStreams.get();
  }

  /** GetFlows calls currently streaming (their threads are alive). */
  public int activeStreams() {
    return activeStreams.get();
  }

  /** Ends every stream (completing it) and stops the stream threads; waits up to one second. */
  @Override
  public void close() {
    closed = true;
    streams.shutdown();
    try {
      if (!streams.awaitTermination(1, TimeUnit.SECONDS)) {
        streams.shutdownNow();
      }
    } catch (InterruptedException e) {
      streams.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ---- GetFlows ----

  /** Bounds one batched response (about a megabyte of typical flows), whatever a client asks for. */
  static final int MAX_BATCH = 2048;

  /** Builds the ring query for a request; throws IllegalArgumentException for contradictory fields. */
  static FlowRing.Query query(GetFlowsRequest req) {
    if (req.getNumber() < 0) { // uint64 above Long.MAX_VALUE
      throw new IllegalArgumentException("number is too large: " + Long.toUnsignedString(req.getNumber()));
    }
    return new FlowRing.Query(req.getNumber(), req.getFirst(), req.getFollow(),
        req.hasSince() ? req.getSince() : null, req.hasUntil() ? req.getUntil() : null);
  }

  @Override
  public void getFlows(GetFlowsRequest req, StreamObserver<GetFlowsResponse> observer) {
    ServerCallStreamObserver<GetFlowsResponse> call = (ServerCallStreamObserver<GetFlowsResponse>) observer;
    FlowRing.Cursor cursor;
    try {
      FlowFilters.Compiled filter = FlowFilters.compile(req.getAllowList(), req.getDenyList());
      cursor = ring.open(query(req), filter);
    } catch (IllegalArgumentException e) {
      observer.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (closed) {
      observer.onError(Status.UNAVAILABLE.withDescription("observer is shutting down").asRuntimeException());
      return;
    }
    FlowStream s = new FlowStream(call, cursor, req.getFollow() ? sink.tap() : null, req.getFollow(),
        Math.min(req.getBatchSize(), MAX_BATCH), nodeName, stallTimeoutNanos, new FlowStream.Owner() {
          @Override
          public boolean closed() {
            return closed;
          }

          @Override
          public void stalled() {
            stalledStreams.incrementAndGet();
          }

          @Override
          public void ended() {
            activeStreams.decrementAndGet();
          }
        });
    // Both handlers must be set here, in the call's own thread.
    call.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
    call.setOnCancelHandler(s::cancel);
    call.setOnReadyHandler(s::wake);
    activeStreams.incrementAndGet();
    try {
      streams.execute(s);
    } catch (RejectedExecutionException e) {
      activeStreams.decrementAndGet();
      s.closeTap();
      observer.onError(Status.UNAVAILABLE.withDescription("observer is shutting down").asRuntimeException());
    }
  }

  // ---- ServerStatus, GetNodes, ListWorkloads ----

  @Override
  public void serverStatus(ServerStatusRequest req, StreamObserver<ServerStatusResponse> observer) {
    ServerStatusResponse.Builder b = ServerStatusResponse.newBuilder()
        .setNumFlows(ring.stored())
        .setMaxFlows(ring.capacity())
        .setSeenFlows(ring.seen())
        .setUptimeNs(sink.uptimeNanos())
        .setFlowsRate(sink.flowsPerSecond())
        .setVersion(version)
        .setNumConnectedNodes(1)
        .setNumUnavailableNodes(0);
    for (Map.Entry<LostEventSource, Long> e : sink.lostCounts().entrySet()) {
      b.addLostEvents(LostEventCount.newBuilder().setSource(e.getKey()).setCount(e.getValue()));
    }
    long overwritten = ring.lostToReaders();
    if (overwritten > 0) {
      b.addLostEvents(LostEventCount.newBuilder().setSource(LostEventSource.STORE_OVERWRITE)
          .setCount(overwritten));
    }
    observer.onNext(b.build());
    observer.onCompleted();
  }

  @Override
  public void getNodes(GetNodesRequest req, StreamObserver<GetNodesResponse> observer) {
    Node node = Node.newBuilder()
        .setName(nodeName)
        .setVersion(version)
        .setAddress(address)
        .setState(NodeState.NODE_CONNECTED)
        .setUptimeNs(sink.uptimeNanos())
        .setNumFlows(ring.stored())
        .setMaxFlows(ring.capacity())
        .setSeenFlows(ring.seen())
        .build();
    observer.onNext(GetNodesResponse.newBuilder().addNodes(node).build());
    observer.onCompleted();
  }

  @Override
  public void listWorkloads(ListWorkloadsRequest req, StreamObserver<ListWorkloadsResponse> observer) {
    ListWorkloadsResponse.Builder b = ListWorkloadsResponse.newBuilder();
    for (WorkloadReport w : workloads.get()) {
      if (req.getNamespaceCount() > 0 && !req.getNamespaceList().contains(w.getNamespace())) {
        continue;
      }
      if (req.getNamePrefixCount() > 0
          && req.getNamePrefixList().stream().noneMatch(p -> w.getName().startsWith(p))) {
        continue;
      }
      b.addWorkloads(w);
    }
    observer.onNext(b.build());
    observer.onCompleted();
  }
}
