package io.hybridmesh.agent.observer;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.observer.v1.FlowBatch;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One GetFlows call, on a thread of its own: reads its cursor on the flow ring and sends what matches,
 * waiting for the call to be ready instead of buffering (so a slow client costs the ring's overwrite
 * count, never memory), with the lost events it is owed; a client that reads nothing for the stall timeout
 * is ended. Batches flows when the client asked for batches.
 */
final class FlowStream implements Runnable {

  /** What the stream tells the service it belongs to. */
  interface Owner {
    boolean closed();

    void stalled();

    void ended();
  }

  private final ServerCallStreamObserver<GetFlowsResponse> call;
  private final FlowRing.Cursor cursor;
  private final RingSink.LostTap tap;
  private final boolean follow;
  private final int batchSize;
  private final String nodeName;
  private final long stallTimeoutNanos;
  private final Owner owner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ready = lock.newCondition();
  private volatile boolean cancelled;
  private boolean stalled;

  FlowStream(ServerCallStreamObserver<GetFlowsResponse> call, FlowRing.Cursor cursor, RingSink.LostTap tap,
      boolean follow, int batchSize, String nodeName, long stallTimeoutNanos, Owner owner) {
    this.batchSize = batchSize;
    this.nodeName = nodeName;
    this.stallTimeoutNanos = stallTimeoutNanos;
    this.owner = owner;
    this.call = call;
    this.cursor = cursor;
    this.tap = tap;
    this.follow = follow;
  }

  void cancel() {
    cancelled = true;
    wake();
  }

  void wake() {
    lock.lock();
    try {
      ready.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void closeTap() {
    if (tap != null) {
      tap.close();
    }
  }

  private boolean stopped() {
    return cancelled || owner.closed() || call.isCancelled();
  }

  /**
   * Waits (in bounded slices, re-checking cancellation) until the call can take a message; ends the
   * stream when that does not happen within the stall timeout.
   */
  private boolean awaitReady() throws InterruptedException {
    long since = 0;
    while (!call.isReady()) {
      if (stopped()) {
        return false;
      }
      long now = System.nanoTime();
      if (since == 0) {
        since = now;
      } else if (now - since >= stallTimeoutNanos) {
        owner.stalled();
        fail(Status.RESOURCE_EXHAUSTED.withDescription("the client read nothing for "
            + ObserverService.shown(stallTimeoutNanos) + " (stall timeout); stream ended"));
        stalled = true;
        return false;
      }
      lock.lockInterruptibly();
      try {
        if (!call.isReady() && !cancelled) {
          ready.await(ObserverService.WAIT_SLICE_MS, TimeUnit.MILLISECONDS);
        }
      } finally {
        lock.unlock();
      }
    }
    return !stopped();
  }

  @Override
  public void run() {
    try {
      stream();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(Status.UNAVAILABLE.withDescription("observer is shutting down"));
    } catch (StatusRuntimeException e) {
      // The call went away under us (cancelled); nothing to tell the client.
    } catch (RuntimeException e) {
      fail(Status.INTERNAL.withDescription(e.toString()).withCause(e));
    } finally {
      closeTap();
      owner.ended();
    }
  }

  private void fail(Status status) {
    try {
      if (!call.isCancelled()) {
        call.onError(status.asRuntimeException());
      }
    } catch (RuntimeException ignored) {
      // already closed
    }
  }

  private void stream() throws InterruptedException {
    while (true) {
      if (!awaitReady()) {
        break;
      }
      if (tap != null) {
        List<LostEvent> lost = tap.drain();
        if (!lost.isEmpty()) {
          for (LostEvent ev : lost) {
            call.onNext(lostItem(ev));
          }
          continue; // re-check readiness before the next item
        }
      }
      FlowRing.Item it = follow ? cursor.next(ObserverService.WAIT_SLICE_MS, TimeUnit.MILLISECONDS) : cursor.poll();
      if (it == null) {
        if (!follow || cursor.isDone()) {
          break;
        }
        continue;
      }
      if (batchSize > 1 && it.isFlow()) {
        sendBatch(it);
      } else {
        call.onNext(it.isFlow() ? flowItem(it.flow()) : lostItem(it.lost()));
      }
    }
    if (!cancelled && !stalled && !call.isCancelled()) {
      call.onCompleted();
    }
  }

  /**
   * The flow and those right behind it that are already in the ring, up to the batch size, in one
   * message; never waits for more. A lost event met on the way goes out after the batch, in its place.
   */
  private void sendBatch(FlowRing.Item first) {
    FlowBatch.Builder batch = FlowBatch.newBuilder().addFlows(first.flow());
    FlowRing.Item other = null;
    while (batch.getFlowsCount() < batchSize) {
      FlowRing.Item more = cursor.poll();
      if (more == null) {
        break;
      }
      if (!more.isFlow()) {
        other = more;
        break;
      }
      batch.addFlows(more.flow());
    }
    call.onNext(GetFlowsResponse.newBuilder().setNodeName(nodeName).setTime(first.flow().getTime())
        .setFlows(batch).build());
    if (other != null) {
      call.onNext(lostItem(other.lost()));
    }
  }

  private GetFlowsResponse flowItem(Flow f) {
    return GetFlowsResponse.newBuilder()
        .setNodeName(f.getNodeName().isEmpty() ? nodeName : f.getNodeName())
        .setTime(f.getTime())
        .setFlow(f)
        .build();
  }

  private GetFlowsResponse lostItem(LostEvent ev) {
    return GetFlowsResponse.newBuilder().setNodeName(nodeName).setTime(now()).setLostEvents(ev).build();
  }

  private static Timestamp now() {
    Instant i = Instant.now();
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}

