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
 * and lowered again once the backlog is down to {@code lowerAt}, the consumer is moving, and the raise's hold
 * has passed. The gap between the two thresholds keeps the thread from flapping within a second; the hold
 * keeps it from flapping over seconds. A raise means idle time did not drain the ring, and on a saturated
 * node it would not the next time either: lowered at once, the thread starved again for the stall time,
 * then drained what had piled up in one burst at normal priority (measured at saturation, plaintext read at
 * TC: p99 +2.1 ms, throughput 0.90 of the baseline, against +0.3 ms and 0.96 for a thread kept at normal
 * priority). So each raise holds the thread up for {@code minHold}, doubled for a raise that follows the
 * last lowering within {@code maxHold}, up to {@code maxHold}: under lasting saturation the thread spends
 * all but one stall in {@code maxHold} at normal priority, and a node back at rest has it yielding again
 * after one hold.
 */
public final class BacklogYieldPolicy {

  /** A raise holds the thread up for 1 s, doubled for each raise soon after a lowering, up to 32 s. */
  public static final long MIN_HOLD_NANOS = 1_000_000_000L;
  public static final long MAX_HOLD_NANOS = 32_000_000_000L;

  private final long raiseAt;
  private final long lowerAt;
  private final long stallNanos;
  private final long minHoldNanos;
  private final long maxHoldNanos;
  private long holdNanos;
  private long holdUntilNanos;
  private long lastLowerNanos;
  private boolean everLowered;
  private long lastConsumed = -1;
  private long lastProgressNanos;
  private boolean raised;
  private boolean stallRaise;

  /**
   * @param minHoldNanos how long a first raise holds the thread at normal priority (0: lowered as soon as the
   *     backlog allows)
   * @param maxHoldNanos the longest hold; a raise this long after the last lowering starts again from
   *     {@code minHoldNanos}
   */
  public BacklogYieldPolicy(long raiseAt, long lowerAt, long stallNanos, long minHoldNanos, long maxHoldNanos) {
    if (raiseAt <= 0 || lowerAt < 0 || lowerAt >= raiseAt || stallNanos <= 0) {
      throw new IllegalArgumentException("need 0 <= lowerAt < raiseAt and a positive stall time");
    }
    if (minHoldNanos < 0 || maxHoldNanos < minHoldNanos) {
      throw new IllegalArgumentException("need 0 <= minHold <= maxHold");
    }
    this.raiseAt = raiseAt;
    this.lowerAt = lowerAt;
    this.stallNanos = stallNanos;
    this.minHoldNanos = minHoldNanos;
    this.maxHoldNanos = maxHoldNanos;
  }

  /**
   * Thresholds for a ring of {@code capacity} bytes whose producers wake the reader at {@code wakeupBytes}:
   * raised at an eighth of the ring but never below twice the wakeup threshold (under it is the ring's
   * ordinary resting level between two polls), at most half of it; lowered at a quarter of that.
   */
  public static BacklogYieldPolicy forRing(long capacity, long wakeupBytes, long stallNanos) {
    long raiseAt = Math.min(capacity / 2, Math.max(capacity / 8, 2 * wakeupBytes));
    return new BacklogYieldPolicy(Math.max(1, raiseAt), Math.max(1, raiseAt) / 4, stallNanos, MIN_HOLD_NANOS,
        MAX_HOLD_NANOS);
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
      boolean soonAfterLowering = everLowered && nowNanos - lastLowerNanos < maxHoldNanos;
      holdNanos = soonAfterLowering ? Math.min(maxHoldNanos, Math.max(minHoldNanos, 2 * holdNanos)) : minHoldNanos;
      holdUntilNanos = nowNanos + holdNanos;
    } else if (raised && backlog <= lowerAt && !stalled && !holding(nowNanos)) {
      raised = false;
      everLowered = true;
      lastLowerNanos = nowNanos;
    }
    return !raised;
  }

  /** Whether the thread is raised and its raise's hold has not yet passed: no look can lower it before. */
  public boolean holding(long nowNanos) {
    return raised && nowNanos - holdUntilNanos < 0;
  }

  /** How long the current (or last) raise holds the thread up. */
  public long holdNanos() {
    return holdNanos;
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
