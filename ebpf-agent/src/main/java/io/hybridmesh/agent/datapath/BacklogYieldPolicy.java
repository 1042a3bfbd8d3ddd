package io.hybridmesh.agent.datapath;

/**
 * When the event thread may stay {@code SCHED_IDLE} (pure: fed what a watcher reads from the ring buffer
 * every few milliseconds). Idle is the resting state; the thread is raised to normal priority when
 *
 * <ul>
 *   <li>its backlog reaches {@code raiseAt} bytes: the ring fills faster than idle time drains it, and at
 *       this pace it would be full (and the kernel would drop events) before long; or
 *   <li>events have waited {@code stallNanos} without the consumer moving: normal threads keep every CPU
 *       busy and the idle thread gets no turn. The reader polls at least every 100 ms when it can run, so
 *       a longer stall means starvation, not sleep.
 * </ul>
 *
 * and lowered again once the backlog is down to {@code lowerAt} and the consumer is moving. The gap between
 * the two thresholds keeps the thread from flapping at one level of load.
 */
public final class BacklogYieldPolicy {

  private final long raiseAt;
  private final long lowerAt;
  private final long stallNanos;
  private long lastConsumed = -1;
  private long lastProgressNanos;
  private boolean raised;
  private boolean stallRaise;

  public BacklogYieldPolicy(long raiseAt, long lowerAt, long stallNanos) {
    if (raiseAt <= 0 || lowerAt < 0 || lowerAt >= raiseAt || stallNanos <= 0) {
      throw new IllegalArgumentException("need 0 <= lowerAt < raiseAt and a positive stall time");
    }
    this.raiseAt = raiseAt;
    this.lowerAt = lowerAt;
    this.stallNanos = stallNanos;
  }

  /**
   * Thresholds for a ring of {@code capacity} bytes whose producers wake the reader at {@code wakeupBytes}:
   * raised at an eighth of the ring but never below twice the wakeup threshold (under it is the ring's
   * ordinary resting level between two polls), at most half of it; lowered at a quarter of that.
   */
  public static BacklogYieldPolicy forRing(long capacity, long wakeupBytes, long stallNanos) {
    long raiseAt = Math.min(capacity / 2, Math.max(capacity / 8, 2 * wakeupBytes));
    return new BacklogYieldPolicy(Math.max(1, raiseAt), Math.max(1, raiseAt) / 4, stallNanos);
  }

  /**
   * One look at the ring.
   *
   * @param backlog bytes waiting to be consumed
   * @param consumed the consumer position (bytes consumed since the ring was created)
   * @return whether the thread should be {@code SCHED_IDLE} from now on
   */
  public boolean observe(long backlog, long consumed, long nowNanos) {
    if (consumed != lastConsumed || backlog == 0) {
      lastConsumed = consumed;
      lastProgressNanos = nowNanos;
    }
    boolean stalled = backlog > 0 && nowNanos - lastProgressNanos >= stallNanos;
    if (!raised && (backlog >= raiseAt || stalled)) {
      raised = true;
      stallRaise = backlog < raiseAt;
    } else if (raised && backlog <= lowerAt && !stalled) {
      raised = false;
    }
    return !raised;
  }

  /** Whether the last raise was for a stall (no turn on a busy CPU) rather than a growing backlog. */
  public boolean lastRaiseWasStall() {
    return stallRaise;
  }

  public long raiseAt() {
    return raiseAt;
  }

  /** The backlog the thread is lowered at: a ring's resting level, not a growing backlog. */
  public long lowerAt() {
    return lowerAt;
  }
}
