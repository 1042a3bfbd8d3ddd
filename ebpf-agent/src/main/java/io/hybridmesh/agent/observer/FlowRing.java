package io.hybridmesh.agent.observer;

import com.google.protobuf.Timestamp;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A bounded ring of flows. Writers never wait for readers: the oldest flow is overwritten. Every flow gets
 * a sequence number; readers walk the sequence with a {@link Cursor}, and a reader that falls more than the
 * capacity behind gets a {@link LostEvent} (source STORE_OVERWRITE) counting exactly the flows it missed.
 * Memory is bounded by the capacity (one reference and one long per slot, and what the flow in it holds).
 *
 * <p>Flows are kept as {@link PendingFlow}s: a flow is built when a reader first reads it (on the reader's
 * thread), and a flow overwritten before anyone read it never is.
 *
 * <p>Slots are read seqlock style (slot sequence, flow, slot sequence again), so readers take no lock
 * except to sleep while following.
 */
public final class FlowRing {
  private final int capacity;
  private final AtomicReferenceArray<PendingFlow> flows;
  private final AtomicLongArray seqs;
  private final Object writeLock = new Object();
  /** Next sequence to write = number of flows ever written. */
  private volatile long head;
  private final AtomicLong lostToReaders = new AtomicLong();

  private final ReentrantLock waitLock = new ReentrantLock();
  private final Condition written = waitLock.newCondition();
  private final AtomicInteger waiters = new AtomicInteger();

  public FlowRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("ring capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.flows = new AtomicReferenceArray<>(capacity);
    this.seqs = new AtomicLongArray(capacity);
    for (int i = 0; i < capacity; i++) {
      seqs.set(i, -1);
    }
  }

  private int index(long seq) {
    return (int) (seq % capacity);
  }

  /** Stores a flow, overwriting the oldest when full. Never waits for a reader. */
  public void write(Flow flow) {
    write(PendingFlow.of(flow));
  }

  /** Stores a flow to be built when first read, overwriting the oldest when full. Never waits for a reader. */
  public void write(PendingFlow flow) {
    if (flow == null) {
      throw new NullPointerException("flow");
    }
    synchronized (writeLock) {
      long s = head;
      int i = index(s);
      // Seqlock order for readers: the slot is marked busy before the flow changes, and gets its new
      // sequence only after. Release stores give exactly that order (each orders the stores before it)
      // without a full fence per store; head stays volatile, which the waiter check below relies on.
      seqs.setOpaque(i, -1);
      flows.setRelease(i, flow);
      seqs.setRelease(i, s);
      head = s + 1;
    }
    if (waiters.get() > 0) {
      waitLock.lock();
      try {
        written.signalAll();
      } finally {
        waitLock.unlock();
      }
    }
  }

  public int capacity() {
    return capacity;
  }

  /** Flows ever written. */
  public long seen() {
    return head;
  }

  /** Flows currently held. */
  public long stored() {
    return Math.min(head, capacity);
  }

  /** Flows that cursors skipped because the ring overwrote them first, summed over all cursors. */
  public long lostToReaders() {
    return lostToReaders.get();
  }

  private long oldest(long h) {
    return Math.max(0, h - capacity);
  }

  /**
   * What a cursor returns: a flow with its sequence number, or a lost event. Exactly one is non-null.
   */
  public record Item(long seq, Flow flow, LostEvent lost) {
    public boolean isFlow() {
      return flow != null;
    }
  }

  /**
   * A query on the ring; mirrors GetFlowsRequest. {@code number} = last N (or first N with {@code first});
   * {@code since}/{@code until} bound the flow time (since inclusive, until exclusive; null = open);
   * {@code follow} keeps reading new flows after the backlog.
   */
  public record Query(long number, boolean first, boolean follow, Timestamp since, Timestamp until) {
    public Query {
      if (number < 0) {
        throw new IllegalArgumentException("number must not be negative, got " + number);
      }
      if (first && follow) {
        throw new IllegalArgumentException("first cannot be combined with follow");
      }
      if (follow && until != null) {
        throw new IllegalArgumentException("until cannot be combined with follow");
      }
      if (since != null && until != null && com.google.protobuf.util.Timestamps.compare(until, since) < 0) {
        throw new IllegalArgumentException("until (" + com.google.protobuf.util.Timestamps.toString(until)
            + ") is before since (" + com.google.protobuf.util.Timestamps.toString(since) + ")");
      }
    }

    public static Query last(long n) {
      return new Query(n, false, false, null, null);
    }

    public static Query firstN(long n) {
      return new Query(n, true, false, null, null);
    }

    public static Query followNew() {
      return new Query(0, false, true, null, null);
    }

    /** True when no count was given but a time range was, i.e. the whole range is wanted. */
    boolean range() {
      return number == 0 && (since != null || until != null);
    }
  }

  /** Opens a cursor for {@code query}; {@code filter} selects flows (null = all). */
  public Cursor open(Query query, Predicate<Flow> filter) {
    Predicate<Flow> p = filter == null ? f -> true : filter;
    long h = head;
    Predicate<Flow> inTime = f -> inWindow(f, query.since(), query.until());
    long start;
    long limit; // max flows to return from the backlog, or Long.MAX_VALUE
    if (query.first()) {
      start = oldest(h);
      limit = query.number() == 0 && !query.range() ? 0 : query.range() ? Long.MAX_VALUE : query.number();
    } else if (query.number() > 0) {
      start = lastMatchingStart(h, query.number(), f -> inTime.test(f) && p.test(f));
      limit = Long.MAX_VALUE;
    } else if (query.range()) {
      start = oldest(h);
      limit = Long.MAX_VALUE;
    } else {
      start = h; // no backlog
      limit = Long.MAX_VALUE;
    }
    return new Cursor(start, query.follow() ? Long.MAX_VALUE : h, limit, query.follow(), p, inTime);
  }

  /** Scans backwards from h - 1 for the n-th newest matching flow; returns where reading starts. */
  private long lastMatchingStart(long h, long n, Predicate<Flow> match) {
    long found = 0;
    long s = h - 1;
    long start = h;
    for (; s >= oldest(head) && s >= 0 && found < n; s--) {
      int i = index(s);
      if (seqs.get(i) != s) {
        break;
      }
      PendingFlow pending = flows.get(i);
      if (seqs.get(i) != s) {
        break;
      }
      if (match.test(pending.flow())) {
        found++;
        start = s;
      }
    }
    return start;
  }

  private static boolean inWindow(Flow f, Timestamp since, Timestamp until) {
    if (since == null && until == null) {
      return true;
    }
    Timestamp t = f.getTime();
    if (since != null && compare(t, since) < 0) {
      return false;
    }
    return until == null || compare(t, until) < 0;
  }

  private static int compare(Timestamp a, Timestamp b) {
    int c = Long.compare(a.getSeconds(), b.getSeconds());
    return c != 0 ? c : Integer.compare(a.getNanos(), b.getNanos());
  }

  /** One reader's position. Not thread-safe: one thread per cursor. */
  public final class Cursor {
    private long next;
    private final long end;
    private long remaining;
    private final boolean follow;
    private final Predicate<Flow> filter;
    private final Predicate<Flow> inTime;
    private long lostTotal;

    private Cursor(long start, long end, long limit, boolean follow, Predicate<Flow> filter,
        Predicate<Flow> inTime) {
      this.next = start;
      this.end = end;
      this.remaining = limit;
      this.follow = follow;
      this.filter = filter;
      this.inTime = inTime;
    }

    /** True once a non-follow cursor has returned everything it will. */
    public boolean isDone() {
      return remaining == 0 || (!follow && next >= end);
    }

    /** Flows this cursor missed because they were overwritten. */
    public long lost() {
      return lostTotal;
    }

    /** The next item available now, or null if none (yet, or ever when {@link #isDone()}). */
    public Item poll() {
      long lost = 0;
      while (!isDone()) {
        long h = head;
        if (next >= h) {
          break;
        }
        long old = Math.min(oldest(h), end);
        if (next < old) {
          lost += old - next;
          next = old;
          continue;
        }
        long s = next;
        int i = index(s);
        PendingFlow pending = null;
        if (seqs.get(i) == s) {
          pending = flows.get(i);
          if (seqs.get(i) != s) {
            pending = null;
          }
        }
        if (pending == null) {
          // Overwritten between reading head and the slot.
          lost++;
          next++;
          continue;
        }
        if (lost > 0) {
          // Report the gap before the flow after it; the flow is read again next time.
          break;
        }
        next++;
        // Built here, after the slot was read consistently: the pending flow itself never changes.
        Flow f = pending.flow();
        if (inTime.test(f) && filter.test(f)) {
          if (remaining != Long.MAX_VALUE) {
            remaining--;
          }
          return new Item(s, f, null);
        }
      }
      if (lost > 0) {
        lostTotal += lost;
        lostToReaders.addAndGet(lost);
        LostEvent ev = LostEvent.newBuilder()
            .setSource(LostEventSource.STORE_OVERWRITE)
            .setNumEventsLost(lost)
            .build();
        return new Item(-1, null, ev);
      }
      return null;
    }

    /**
     * The next item, waiting up to {@code timeout} for one when following. Returns null on timeout or when
     * the cursor is done.
     */
    public Item next(long timeout, TimeUnit unit) throws InterruptedException {
      Item it = poll();
      if (it != null || isDone() || !follow) {
        return it;
      }
      long deadline = System.nanoTime() + unit.toNanos(timeout);
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        waiters.incrementAndGet();
        try {
          waitLock.lockInterruptibly();
          try {
            while (head <= next && left > 0) {
              left = written.awaitNanos(left);
            }
          } finally {
            waitLock.unlock();
          }
        } finally {
          waiters.decrementAndGet();
        }
        it = poll();
        if (it != null) {
          return it;
        }
      }
    }
  }
}
