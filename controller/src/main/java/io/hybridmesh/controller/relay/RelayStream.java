package io.hybridmesh.controller.relay;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.NodeState;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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


  private static final int WINDOW = 256;

  private final ServerCallStreamObserver<GetFlowsResponse> client;
  private final List<Peer> peers;
  private final Function<Peer, ObserverGrpc.ObserverStub> stubs;
  private final RelayOptions options;
  private final Clock clock;
  private final List<PeerStream> open = new ArrayList<>();
  private volatile boolean cancelled;
  private long droppedForClient;
  private Instant firstDrop;

  RelayStream(ServerCallStreamObserver<GetFlowsResponse> client, List<Peer> peers,
      Function<Peer, ObserverGrpc.ObserverStub> stubs, RelayOptions options, Clock clock) {
    this.client = client;
    this.peers = peers;
    this.stubs = stubs;
    this.options = options;
    this.clock = clock;
    client.setOnCancelHandler(() -> {
      cancelled = true;
      open.forEach(PeerStream::cancel);
    });
  }

  void run(GetFlowsRequest req) {
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

        @Override
        public GetFlowsResponse next() throws InterruptedException {
          if (done || cancelled) {
            return null;
          }
          PeerStream.Event e = queue.take();
          if (!e.end()) {
            s.consumed();
            return e.item();
          }
          done = true;
          return e.failure() == null ? null : s.statusItem(NodeState.NODE_UNAVAILABLE, e.failure(), clock);
        }
      });
    }
    BacklogMerge.merge(sources, number, first, this::sendWaiting);
    open.clear();
  }

  private void live(GetFlowsRequest req) throws InterruptedException {
    BlockingQueue<PeerStream.Event> queue = new LinkedBlockingQueue<>();
    for (Peer p : peers) {
      open.add(new PeerStream(p, queue, WINDOW).start(stubs.apply(p), req));
    }
    ReorderBuffer order = new ReorderBuffer(options.reorderWindow().toNanos(), options.reorderCapacity());
    int running = open.size();
    while (!cancelled && running > 0) {
      PeerStream.Event e = queue.poll(100, TimeUnit.MILLISECONDS);
      if (e != null) {
        if (e.end()) {
          running--;
          Status why = e.failure() != null ? e.failure() : Status.UNAVAILABLE.withDescription("its stream ended");
          order.add(e.stream().statusItem(NodeState.NODE_GONE, why, clock)).forEach(this::sendOrDrop);
        } else {
          e.stream().consumed();
          order.add(e.item()).forEach(this::sendOrDrop);
        }
      }
      order.due(TimeOrder.nanos(now())).forEach(this::sendOrDrop);
    }
    order.drain().forEach(this::sendOrDrop);
  }

  /** Live items: a client that is not ready loses them, counted; the count goes out when it is ready. */
  private void sendOrDrop(GetFlowsResponse item) {
    if (cancelled) {
      return;
    }
    if (!client.isReady()) {
      if (droppedForClient++ == 0) {
        firstDrop = clock.instant();
      }
      return;
    }
    if (droppedForClient > 0) {
      Instant last = clock.instant();
      client.onNext(GetFlowsResponse.newBuilder().setTime(now()).setLostEvents(LostEvent.newBuilder()
          .setSource(LostEventSource.RELAY_QUEUE).setNumEventsLost(droppedForClient)
          .setFirst(ts(firstDrop)).setLast(ts(last))).build());
      droppedForClient = 0;
    }
    client.onNext(item);
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

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  private static final class StalledClientException extends RuntimeException {
    StalledClientException(String message) {
      super(message);
    }
  }

  /** Tuning of the relay's streams. */
  record RelayOptions(Duration reorderWindow, int reorderCapacity, Duration stallTimeout, Duration peerTimeout) {
    static final RelayOptions DEFAULT = new RelayOptions(Duration.ofMillis(500), 10_000, Duration.ofSeconds(30),
        Duration.ofSeconds(15));
  }
}
