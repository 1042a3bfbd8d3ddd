package io.hybridmesh.controller.relay;

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
  private final PriorityQueue<RelayItem> waiting = new PriorityQueue<>();

  ReorderBuffer(long windowNanos, int capacity) {
    if (windowNanos < 0 || capacity < 1) {
      throw new IllegalArgumentException("window >= 0 and capacity >= 1");
    }
    this.windowNanos = windowNanos;
    this.capacity = capacity;
  }

  /** Adds an item; what must go out now because the buffer is full goes to {@code out}. */
  void add(RelayItem item, List<RelayItem> out) {
    waiting.add(item);
    while (waiting.size() > capacity) {
      out.add(waiting.poll());
    }
  }

  /** Moves the items whose time is at least {@code window} before {@code nowNanos} to {@code out}. */
  void due(long nowNanos, List<RelayItem> out) {
    while (!waiting.isEmpty() && waiting.peek().nanos() <= nowNanos - windowNanos) {
      out.add(waiting.poll());
    }
  }

  /** Everything, in order (at the end of the stream). */
  List<RelayItem> drain() {
    List<RelayItem> out = new ArrayList<>(waiting.size());
    while (!waiting.isEmpty()) {
      out.add(waiting.poll());
    }
    return out;
  }

  int size() {
    return waiting.size();
  }
}
