package io.hybridmesh.controller.relay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Merges the backlogs of several peers, each already in time order, into one time-ordered backlog with a
 * global count: {@code --last N} gives the N newest flows over all nodes, not N per node; {@code --first N}
 * the N oldest. Memory stays at N items (plus one head per peer) however many peers and flows there are.
 * Pure: sources are pulled through {@link Source}, items pushed to a consumer.
 */
final class BacklogMerge {

  /** One peer's backlog, in time order; {@code next()} blocks until an item or the end (null). */
  interface Source {
    RelayItem next() throws InterruptedException;
  }

  private BacklogMerge() {}

  /**
   * @param number how many flows to keep; 0 = every flow
   * @param first keep the oldest {@code number} instead of the newest
   * @param out receives the merged items; items that are not flows (lost events, node status) are passed
   *     through where they fall in time and do not count against {@code number}
   */
  static void merge(List<Source> sources, long number, boolean first, Consumer<RelayItem> out)
      throws InterruptedException {
    record Head(RelayItem item, int source) {}
    PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.item.compareTo(b.item));
    for (int i = 0; i < sources.size(); i++) {
      RelayItem r = sources.get(i).next();
      if (r != null) {
        heads.add(new Head(r, i));
      }
    }
    Deque<RelayItem> newest = new ArrayDeque<>();
    List<RelayItem> others = new ArrayList<>();
    long flows = 0;
    while (!heads.isEmpty()) {
      Head h = heads.poll();
      RelayItem next = sources.get(h.source).next();
      if (next != null) {
        heads.add(new Head(next, h.source));
      }
      RelayItem item = h.item;
      if (number == 0 || first) {
        if (item.isFlow() && number > 0 && flows++ >= number) {
          continue; // drain the sources, but the count is reached
        }
        out.accept(item);
      } else if (item.isFlow()) {
        newest.addLast(item);
        if (newest.size() > number) {
          newest.removeFirst();
        }
      } else {
        others.add(item);
      }
    }
    if (number > 0 && !first) {
      // Lost events and node status items are few; they go out before the flows they preceded.
      others.forEach(out);
      newest.forEach(out);
    }
  }
}
