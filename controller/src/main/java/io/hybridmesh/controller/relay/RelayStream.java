package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.observer.v1.FlowBatch;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One client's GetFlows through the relay. The backlog (last or first N, a time range) is asked of every
 * peer without follow and merged with a global count; with follow, the live part is asked from the
 * moment the backlog ended ({@code until} of the backlog = {@code since} of the live request, so nothing
 * is sent twice) and ordered across nodes by a {@link ReorderBuffer}. A client that reads slower than the
 * nodes produce loses live items, counted and reported as a lost-events item once it reads again; the
 * backlog waits for it instead (up to the stall timeout). Peers that fail are reported as node status
 * items; the others go on.
 */
final class RelayStream {


  /** Messages in flight per peer (each up to PeerStream.PEER_BATCH flows): bounds the relay's memory per peer. */
  /** How often a following stream looks for peers it does not follow yet. */
  static final long RESCAN_NANOS = 2_000_000_000L;

  private static final int WINDOW = 4;
  /** Bounds one batched message to the client, whatever it asks for. */
  static final int MAX_CLIENT_BATCH = 2048;

  private final ServerCallStreamObserver<GetFlowsResponse> client;
  private final List<Peer> peers;
  private final java.util.function.Supplier<List<Peer>> directory;
  private final Function<Peer, ObserverGrpc.ObserverStub> stubs;
  private final RelayOptions options;
  private final Clock clock;
  private final List<PeerStream> open = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private int clientBatch = 1;
  private final List<RelayItem> pendingBacklog = new ArrayList<>();
  private long droppedForClient;
  private final java.util.ArrayDeque<GetFlowsResponse> waitingForClient = new java.util.ArrayDeque<>();
  private long waitingFlows;
  private Instant firstDrop;

  RelayStream(ServerCallStreamObserver<GetFlowsResponse> client, List<Peer> peers,
      java.util.function.Supplier<List<Peer>> directory, Function<Peer, ObserverGrpc.ObserverStub> stubs,
      RelayOptions options, Clock clock) {
    this.client = client;
    this.peers = peers;
    this.directory = directory;
    this.stubs = stubs;
    this.options = options;
    this.clock = clock;
    client.setOnCancelHandler(() -> {
      cancelled = true;
      open.forEach(PeerStream::cancel);
    });
  }

  void run(GetFlowsRequest req) {
    clientBatch = Math.max(1, Math.min(req.getBatchSize(), MAX_CLIENT_BATCH));
    try {
      Timestamp start = now();
      boolean backlog = req.getNumber() > 0 || req.hasSince() || req.hasUntil();
      if (backlog) {
        // Batches from the nodes would defeat the merge's per-flow order and flow control.
        GetFlowsRequest.Builder b = req.toBuilder().setFollow(false).clearBatchSize();
        if (req.getFollow()) {
          b.setUntil(start);
        }
        backlog(b.build(), req.getNumber(), req.getFirst());
      }
      if (req.getFollow() && !cancelled) {
        live(req.toBuilder().setNumber(0).setFirst(false).clearUntil().clearBatchSize()
            .setSince(req.hasSince() && !backlog ? req.getSince() : start).build());
      }
      if (!cancelled) {
        client.onCompleted();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      client.onError(Status.CANCELLED.withDescription("the relay is shutting down").asRuntimeException());
    } catch (StalledClientException e) {
      client.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
    } finally {
      open.forEach(PeerStream::cancel);
    }
  }

  private void backlog(GetFlowsRequest req, long number, boolean first) throws InterruptedException {
    List<BacklogMerge.Source> sources = new ArrayList<>();
    for (Peer p : peers) {
      BlockingQueue<PeerStream.Event> queue = new LinkedBlockingQueue<>();
      PeerStream s = new PeerStream(p, queue, WINDOW)
          .start(stubs.apply(p).withDeadlineAfter(options.peerTimeout().toMillis(), TimeUnit.MILLISECONDS), req);
      open.add(s);
      sources.add(new BacklogMerge.Source() {
        private boolean done;
        private java.util.Iterator<RelayItem> batch = java.util.Collections.emptyIterator();

        @Override
        public RelayItem next() throws InterruptedException {
          while (!batch.hasNext()) {
            if (done || cancelled) {
              return null;
            }
            PeerStream.Event e = queue.take();
            if (e.end()) {
              done = true;
              return e.failure() == null ? null : s.statusItem(NodeState.NODE_UNAVAILABLE, e.failure(), clock);
            }
            s.consumed();
            batch = e.items().iterator();
          }
          return batch.next();
        }
      });
    }
    BacklogMerge.merge(sources, number, first, this::queueBacklog);
    flushBacklog();
    open.clear();
  }

  /**
   * Follows every peer until the client goes. Peers that appear later (a new node, an agent that
   * restarted) are picked up from the directory every {@link #RESCAN_NANOS}; a peer whose stream ended is
   * reported as gone and followed again once the directory still lists it.
   */
  private void live(GetFlowsRequest req) throws InterruptedException {
    BlockingQueue<PeerStream.Event> queue = new LinkedBlockingQueue<>();
    Map<String, PeerStream> following = new HashMap<>();
    // The newest time delivered per peer: a peer followed again resumes after it, not from the start.
    Map<String, Long> lastSeen = new HashMap<>();
    ReorderBuffer order = new ReorderBuffer(options.reorderWindow().toNanos(), options.reorderCapacity());
    List<RelayItem> out = new ArrayList<>();
    long nextScan = 0;
    while (!cancelled) {
      if (System.nanoTime() >= nextScan) {
        for (Peer p : directory.get()) {
          following.computeIfAbsent(p.target(), t -> {
            Long last = lastSeen.get(t);
            GetFlowsRequest resume = last == null ? req : req.toBuilder().setSince(timestamp(last + 1)).build();
            PeerStream s = new PeerStream(p, queue, WINDOW).start(stubs.apply(p), resume);
            open.add(s);
            return s;
          });
        }
        nextScan = System.nanoTime() + RESCAN_NANOS;
      }
      PeerStream.Event e = queue.poll(100, TimeUnit.MILLISECONDS);
      while (e != null) {
        if (e.end()) {
          following.remove(e.stream().peer().target(), e.stream());
          open.remove(e.stream());
          Status why = e.failure() != null ? e.failure() : Status.UNAVAILABLE.withDescription("its stream ended");
          order.add(e.stream().statusItem(NodeState.NODE_GONE, why, clock), out);
        } else {
          for (RelayItem item : e.items()) {
            order.add(item, out);
          }
          if (!e.items().isEmpty()) {
            lastSeen.merge(e.stream().peer().target(), e.items().get(e.items().size() - 1).nanos(), Math::max);
          }
          e.stream().consumed();
        }
        // Take what else is waiting before sending, so that the client gets full batches.
        e = out.size() < clientBatch ? queue.poll() : null;
      }
      order.due(TimeOrder.nanos(now()), out);
      sendLive(out);
      out.clear();
      flushToClient();
    }
    sendLive(order.drain());
  }

  /** Live items in messages of up to the client's batch size; flows and other items in their order. */
  private void sendLive(List<RelayItem> items) {
    forEachMessage(items, this::sendOrDrop);
  }

  private void queueBacklog(RelayItem item) {
    pendingBacklog.add(item);
    if (pendingBacklog.size() >= clientBatch) {
      flushBacklog();
    }
  }

  private void flushBacklog() {
    forEachMessage(pendingBacklog, this::sendWaiting);
    pendingBacklog.clear();
  }

  /** Groups consecutive flows into batches (when the client asked for them); other items go alone. */
  private void forEachMessage(List<RelayItem> items, java.util.function.Consumer<GetFlowsResponse> send) {
    if (clientBatch <= 1) {
      items.forEach(i -> send.accept(i.message()));
      return;
    }
    FlowBatch.Builder batch = null;
    RelayItem first = null;
    for (RelayItem item : items) {
      if (item.isFlow()) {
        if (batch == null) {
          batch = FlowBatch.newBuilder();
          first = item;
        }
        batch.addFlows(item.flow());
        if (batch.getFlowsCount() >= clientBatch) {
          send.accept(batchItem(first, batch));
          batch = null;
        }
      } else {
        if (batch != null) {
          send.accept(batchItem(first, batch));
          batch = null;
        }
        send.accept(item.message());
      }
    }
    if (batch != null) {
      send.accept(batchItem(first, batch));
    }
  }

  private static GetFlowsResponse batchItem(RelayItem first, FlowBatch.Builder batch) {
    if (batch.getFlowsCount() == 1) {
      return first.message();
    }
    return GetFlowsResponse.newBuilder().setNodeName(first.node()).setTime(first.flow().getTime())
        .setFlows(batch).build();
  }

  /**
   * Live items wait for a client that is not ready in a bounded queue ({@code clientBuffer} flows); past
   * that the oldest are dropped, counted, and the count goes out as a lost-events item once it reads again.
   * A slow client costs the relay that much memory at most, and never slows the nodes.
   */
  private void sendOrDrop(GetFlowsResponse item) {
    if (cancelled) {
      return;
    }
    waitingForClient.addLast(item);
    waitingFlows += flows(item);
    while (waitingFlows > options.clientBuffer() && waitingForClient.size() > 1) {
      GetFlowsResponse old = waitingForClient.pollFirst();
      waitingFlows -= flows(old);
      if (droppedForClient == 0) {
        firstDrop = clock.instant();
      }
      droppedForClient += flows(old);
    }
    flushToClient();
  }

  /** Sends what waits while the client is ready, the count of what was dropped first. */
  private void flushToClient() {
    while (!waitingForClient.isEmpty() && client.isReady() && !cancelled) {
      if (droppedForClient > 0) {
        Instant last = clock.instant();
        client.onNext(GetFlowsResponse.newBuilder().setTime(now()).setLostEvents(LostEvent.newBuilder()
            .setSource(LostEventSource.RELAY_QUEUE).setNumEventsLost(droppedForClient)
            .setFirst(ts(firstDrop)).setLast(ts(last))).build());
        droppedForClient = 0;
      }
      GetFlowsResponse next = waitingForClient.pollFirst();
      waitingFlows -= flows(next);
      client.onNext(next);
    }
  }

  private static long flows(GetFlowsResponse m) {
    return m.hasFlows() ? m.getFlows().getFlowsCount() : 1;
  }

  /** Backlog items: waits for the client, up to the stall timeout. */
  private void sendWaiting(GetFlowsResponse item) {
    long deadline = System.nanoTime() + options.stallTimeout().toNanos();
    while (!client.isReady() && !cancelled) {
      if (System.nanoTime() > deadline) {
        throw new StalledClientException("the client read nothing for " + options.stallTimeout().toSeconds()
            + "s; the stream ends so that it holds no relay resources");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancelled = true;
      }
    }
    if (!cancelled) {
      client.onNext(item);
    }
  }

  private Timestamp now() {
    return ts(clock.instant());
  }

  private static Timestamp timestamp(long nanos) {
    return Timestamp.newBuilder().setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
        .setNanos((int) Math.floorMod(nanos, 1_000_000_000L)).build();
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static final class StalledClientException extends RuntimeException {
    StalledClientException(String message) {
      super(message);
    }
  }

  /** Tuning of the relay's streams. */
  record RelayOptions(Duration reorderWindow, int reorderCapacity, Duration stallTimeout, Duration peerTimeout,
      int clientBuffer) {
    static final RelayOptions DEFAULT = new RelayOptions(Duration.ofMillis(500), 10_000, Duration.ofSeconds(30),
        Duration.ofSeconds(15), 32_768);
  }
}
