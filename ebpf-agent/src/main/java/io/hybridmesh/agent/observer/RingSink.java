package io.hybridmesh.agent.observer;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The {@link FlowSink} in front of a {@link FlowRing}: flows go into the ring; lost events reported by the
 * data path (kernel ring buffer, agent queue, ...) are counted per source for ServerStatus and handed to
 * every live follower through a {@link LostTap}, coalesced per source so memory stays bounded however slow
 * the follower is. (The ring itself stores flows only; a reader's own overwrite losses come from its
 * cursor.) Also keeps a per-second flow count over the last minute for the flow rate. Thread-safe.
 */
public final class RingSink implements FlowSink {
  private static final int WINDOW_SECONDS = 60;

  private final FlowRing ring;
  private final LongSupplier nanoClock;
  private final long startNanos;
  private final Map<LostEventSource, LongAdder> lostBySource = new ConcurrentHashMap<>();
  private final List<LostTap> taps = new CopyOnWriteArrayList<>();
  /** Flows accepted per second, slot = second % 60; slotSecond tags which second a slot counts. */
  private final AtomicLongArray perSecond = new AtomicLongArray(WINDOW_SECONDS);
  private final AtomicLongArray slotSecond = new AtomicLongArray(WINDOW_SECONDS);

  public RingSink(FlowRing ring) {
    this(ring, System::nanoTime);
  }

  /** With a clock for tests; {@code nanoClock} behaves like {@link System#nanoTime()}. */
  public RingSink(FlowRing ring, LongSupplier nanoClock) {
    if (ring == null) {
      throw new NullPointerException("ring");
    }
    this.ring = ring;
    this.nanoClock = nanoClock;
    this.startNanos = nanoClock.getAsLong();
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      slotSecond.set(i, -1);
    }
  }

  public FlowRing ring() {
    return ring;
  }

  @Override
  public void accept(Flow flow) {
    accept(PendingFlow.of(flow));
  }

  /** Kept as it is: built when a reader reads it, never when none does. */
  @Override
  public void accept(PendingFlow flow) {
    ring.write(flow);
    long sec = secondsSinceStart();
    int slot = (int) (sec % WINDOW_SECONDS);
    long tag = slotSecond.get(slot);
    if (tag != sec && slotSecond.compareAndSet(slot, tag, sec)) {
      perSecond.set(slot, 0);
    }
    perSecond.incrementAndGet(slot);
  }

  @Override
  public void lost(LostEvent lost) {
    if (lost == null || lost.getNumEventsLost() == 0) {
      return;
    }
    lostBySource.computeIfAbsent(lost.getSource(), s -> new LongAdder()).add(lost.getNumEventsLost());
    for (LostTap t : taps) {
      t.add(lost.getSource(), lost.getNumEventsLost());
    }
  }

  /** Lost events reported to this sink, by source, since start (sources never reported are absent). */
  public Map<LostEventSource, Long> lostCounts() {
    Map<LostEventSource, Long> out = new EnumMap<>(LostEventSource.class);
    lostBySource.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public long uptimeNanos() {
    return nanoClock.getAsLong() - startNanos;
  }

  private long secondsSinceStart() {
    return TimeUnit.NANOSECONDS.toSeconds(uptimeNanos());
  }

  /**
   * Flows per second over the last full minute, or since start when up for less than a minute. The current
   * (partial) second counts too.
   */
  public double flowsPerSecond() {
    long nowSec = secondsSinceStart();
    long sum = 0;
    for (int i = 0; i < WINDOW_SECONDS; i++) {
      long tag = slotSecond.get(i);
      if (tag >= 0 && tag > nowSec - WINDOW_SECONDS && tag <= nowSec) {
        sum += perSecond.get(i);
      }
    }
    double window = Math.min(WINDOW_SECONDS, Math.max(1e-9, uptimeNanos() / 1e9));
    return sum / window;
  }

  /** Starts delivering lost events reported from now on to a new tap; {@link LostTap#close()} it. */
  public LostTap tap() {
    LostTap t = new LostTap();
    taps.add(t);
    return t;
  }

  /** Number of open taps (live followers). */
  public int taps() {
    return taps.size();
  }

  /** Lost events pending for one reader, coalesced per source: bounded by the number of sources. */
  public final class LostTap implements AutoCloseable {
    private final Map<LostEventSource, AtomicLong> pending = new ConcurrentHashMap<>();

    private LostTap() {}

    void add(LostEventSource source, long n) {
      pending.computeIfAbsent(source, s -> new AtomicLong()).addAndGet(n);
    }

    /** The lost events since the last drain, one per source; empty if none. */
    public List<LostEvent> drain() {
      if (pending.isEmpty()) {
        return List.of();
      }
      List<LostEvent> out = new ArrayList<>(2);
      for (Map.Entry<LostEventSource, AtomicLong> e : pending.entrySet()) {
        long n = e.getValue().getAndSet(0);
        if (n > 0) {
          out.add(LostEvent.newBuilder().setSource(e.getKey()).setNumEventsLost(n).build());
        }
      }
      return out;
    }

    @Override
    public void close() {
      taps.remove(this);
    }
  }
}
