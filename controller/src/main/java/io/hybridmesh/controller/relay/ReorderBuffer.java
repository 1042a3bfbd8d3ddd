package io.hybridmesh.controller.relay;

import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Orders live items from several nodes by time: an item is held for {@code window} after its own time so
 * that a slower node's earlier items can overtake it; when more than {@code capacity} items wait, the
 * oldest go out early (the order may then be off by the difference, never anything lost). Not thread-safe:
 * the relay's stream thread owns it.
 */
final class ReorderBuffer {

  private final long windowNanos;
  private final int capacity;
  private final PriorityQueue<GetFlowsResponse> waiting = new PriorityQueue<>(TimeOrder.BY_TIME);

  ReorderBuffer(long windowNanos, int capacity) {
    if (windowNanos < 0 || capacity < 1) {
      throw new IllegalArgumentException("window >= 0 and capacity >= 1");
    }
    this.windowNanos = windowNanos;
    this.capacity = capacity;
  }

  /** Adds an item; returns what must go out now because the buffer is full. */
  List<GetFlowsResponse> add(GetFlowsResponse item) {
    waiting.add(item);
    List<GetFlowsResponse> out = new ArrayList<>();
    while (waiting.size() > capacity) {
      out.add(waiting.poll());
    }
    return out;
  }

  /** The items whose time is at least {@code window} before {@code nowNanos} (epoch nanoseconds). */
  List<GetFlowsResponse> due(long nowNanos) {
    List<GetFlowsResponse> out = new ArrayList<>();
    while (!waiting.isEmpty() && TimeOrder.nanos(TimeOrder.time(waiting.peek())) <= nowNanos - windowNanos) {
      out.add(waiting.poll());
    }
    return out;
  }

  /** Everything, in order (at the end of the stream). */
  List<GetFlowsResponse> drain() {
    List<GetFlowsResponse> out = new ArrayList<>(waiting.size());
    while (!waiting.isEmpty()) {
      out.add(waiting.poll());
    }
    return out;
  }

  int size() {
    return waiting.size();
  }
}
