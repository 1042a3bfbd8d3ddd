package io.hybridmesh.controller.relay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders live items from several nodes by time: an item is held for {@code window} after its own time so
 * that a slower node's earlier items can overtake it; when more than {@code capacity} items wait, the
 * oldest go out early (the order may then be off by the difference, never anything lost).
 *
 * <p>Each node's stream is already in time order, so items wait in one queue per node and only the nodes'
 * heads are ordered: a heap of a few dozen heads instead of one of every waiting item (hundreds of
 * thousands at a high rate). Not thread-safe: the relay's stream thread owns it.
 */
final class ReorderBuffer {

  private record Head(RelayItem item, ArrayDeque<RelayItem> queue) {}

  private final long windowNanos;
  private final int capacity;
  private final Map<String, ArrayDeque<RelayItem>> byNode = new HashMap<>();
  private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.item.compareTo(b.item));
  private int size;

  ReorderBuffer(long windowNanos, int capacity) {
    if (windowNanos < 0 || capacity < 1) {
      throw new IllegalArgumentException("window >= 0 and capacity >= 1");
    }
    this.windowNanos = windowNanos;
    this.capacity = capacity;
  }

  /** Adds an item; what must go out now because the buffer is full goes to {@code out}. */
  void add(RelayItem item, List<RelayItem> out) {
    ArrayDeque<RelayItem> queue = byNode.computeIfAbsent(item.node(), n -> new ArrayDeque<>());
    if (queue.isEmpty()) {
      heads.add(new Head(item, queue));
    }
    queue.addLast(item);
    size++;
    while (size > capacity) {
      out.add(next());
    }
  }

  /** Moves the items whose time is at least {@code window} before {@code nowNanos} to {@code out}. */
  void due(long nowNanos, List<RelayItem> out) {
    while (!heads.isEmpty() && heads.peek().item.nanos() <= nowNanos - windowNanos) {
      out.add(next());
    }
  }

  /** Everything, in order (at the end of the stream). */
  List<RelayItem> drain() {
    List<RelayItem> out = new ArrayList<>(size);
    while (!heads.isEmpty()) {
      out.add(next());
    }
    byNode.clear();
    return out;
  }

  int size() {
    return size;
  }

  private RelayItem next() {
    Head h = heads.poll();
    RelayItem item = h.queue.pollFirst();
    size--;
    if (!h.queue.isEmpty()) {
      heads.add(new Head(h.queue.peekFirst(), h.queue));
    }
    return item;
  }
}
