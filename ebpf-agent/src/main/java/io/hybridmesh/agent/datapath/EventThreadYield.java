package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.RingBufferReader;
import io.hybridmesh.jni.ThreadScheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Keeps the event thread {@code SCHED_IDLE} while {@link BacklogYieldPolicy} allows it (with
 * {@link EventThreadPriority#YIELD}). The decision needs a thread that runs when the event thread cannot,
 * so a watcher at normal priority looks at the ring every {@link #TICK_MILLIS} ms (two loads of mapped
 * memory) and moves the event thread when the policy says so. While the thread is idle and the ring at its
 * resting level (no more than the policy lowers at: events the producers have not yet woken the reader
 * for), the looks back off to one every {@link #QUIET_TICK_MILLIS} ms: each look is a timer wakeup of a
 * thread whose code the starved compilers may not have compiled yet, 70-300 us of CPU a look measured on
 * a busy node, about 1% of a core for a watcher with nothing to do. A quiet look delays a raise by at most
 * {@link #QUIET_TICK_MILLIS} ms: a stall is then seen after 300-380 ms instead of 300-310, and a default
 * ring (16 MiB, raised at 2 MiB, resting below 512 KiB) fills from rest to the raise threshold in that time
 * only above 18 MB/s of events, while the producers' own wakeups still reach the thread.
 *
 * <p>The JVM's JIT compiler threads move with it: they compile mostly the event path (a new client's
 * connections take branches the compiled code has not seen, and it is compiled again, ~0.5 s of C2 time
 * in a 10 s benchmark window), and at normal priority those bursts queue the workload's requests as the
 * event thread's did. A starved compiler delays nothing but its own code, so they are raised only with the
 * event thread. The garbage collector's threads stay at normal priority: a stop-the-world pause stops
 * every Java thread, this watcher included, and one stretched by idle scheduling would overflow the ring.
 */
public final class EventThreadYield implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EventThreadYield.class.getName());
  static final int TICK_MILLIS = 10;
  /** The longest gap between two looks, reached by doubling while the ring stays empty. */
  static final int QUIET_TICK_MILLIS = 80;
  /** Three times the event thread's longest sleep between polls. */
  public static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
  /** Once a second: compiler threads started since the last move are lowered too. */
  static final long RESCAN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final EventThreadPriority mode;
  private final ThreadScheduling scheduling;
  private final RingBufferReader ring;
  private final BacklogYieldPolicy policy;
  private final AtomicLong backlogRaises = new AtomicLong();
  private final AtomicLong stallRaises = new AtomicLong();
  private volatile int compilersIdle;
  /**
   * The JIT compiler threads found at the last scan of the process's threads. A raise or a lowering moves
   * these; only the rescan once a second reads /proc again: a scan reads every thread's name (tens of files),
   * and at saturation the thread is raised and lowered several times a second (measured: the watcher's scans
   * took about 1% of a busy machine's CPU). A compiler the JVM retired since is skipped; its id is not reused
   * within the second (pid_max is millions). A rescan reads the names of new threads only: reading all of
   * them (40-odd files) was most of the watcher's CPU once its looks backed off.
   */
  private List<Integer> compilers = List.of(); // guarded by this
  /** The process's threads at the last scan, whose names the next scan does not read again. */
  private Map<Integer, String> threadNames = Map.of(); // guarded by this
  private long lastScanNanos = Long.MIN_VALUE; // guarded by this: the watcher's clock, set at its first look
  private int nextTickMillis = TICK_MILLIS; // guarded by this
  private volatile boolean idle;
  private int threadId = -1; // guarded by this
  private ScheduledExecutorService watcher; // guarded by this
  private boolean closed; // guarded by this
  private boolean refusalLogged; // guarded by this: a refusal is tried again each tick, said once

  public EventThreadYield(EventThreadPriority mode, ThreadScheduling scheduling, RingBufferReader ring,
      BacklogYieldPolicy policy) {
    this.mode = mode;
    this.scheduling = scheduling;
    this.ring = ring;
    this.policy = policy;
  }

  /**
   * Called by the event thread as it starts: with {@link EventThreadPriority#YIELD} it lowers itself and
   * the watcher starts. A thread that could not be raised again is never lowered. Threads the event thread
   * starts after this inherit SCHED_IDLE, so whatever it hands work to must have its threads already
   * (TlsProcessWatch starts its worker when it is made).
   */
  public synchronized void enter() {
    if (mode != EventThreadPriority.YIELD || closed) {
      return;
    }
    if (!scheduling.canLeaveIdle()) {
      LOG.warning("the event thread stays at normal priority: this process may not raise a SCHED_IDLE thread "
          + "again (it needs CAP_SYS_NICE), and an idle thread on a busy node would lose events. Give the agent "
          + "CAP_SYS_NICE for requests never to wait behind its event batches, or pass --event-thread normal "
          + "to silence this.");
      return;
    }
    // Before the thread lowers itself: a thread inherits its creator's scheduling class, and the watcher
    // must run exactly when the event thread cannot.
    ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "hmesh-event-watch");
      t.setDaemon(true);
      return t;
    });
    w.prestartAllCoreThreads();
    threadId = scheduling.currentThreadId();
    if (!move(true)) {
      w.shutdownNow();
      return;
    }
    watcher = w;
    watcher.schedule(this::watch, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The watcher's turn: a look, and the next one booked at the distance the look asks for. */
  private void watch() {
    int next = TICK_MILLIS;
    try {
      next = tick(System.nanoTime());
    } finally { // a look that failed must not end the looks: the thread would stay where it is for good
      synchronized (this) {
        if (!closed && watcher != null) {
          watcher.schedule(this::watch, next, TimeUnit.MILLISECONDS);
        }
      }
    }
  }

  /**
   * One look at the ring (the watcher's; tests call it with their own clock). Returns the milliseconds
   * until the next: {@link #TICK_MILLIS} while the backlog is above its resting level or the thread is
   * raised and may be lowered, doubled at each look that finds it at rest again (idle and the ring at rest,
   * or raised within its hold), up to {@link #QUIET_TICK_MILLIS}.
   */
  synchronized int tick(long nowNanos) {
    if (closed || threadId < 0) {
      return TICK_MILLIS;
    }
    long backlog = ring.backlogBytes();
    if (lastScanNanos == Long.MIN_VALUE) {
      lastScanNanos = nowNanos;
    }
    boolean wantIdle = policy.observe(backlog, ring.consumedBytes(), nowNanos);
    if (wantIdle == idle) {
      if (idle && nowNanos - lastScanNanos >= RESCAN_NANOS) {
        lastScanNanos = nowNanos;
        compilers = scanCompilers(); // the JVM adds and retires compiler threads with its load
        moveCompilers(true);
      }
    } else if (move(wantIdle) && !wantIdle) {
      (policy.lastRaiseWasStall() ? stallRaises : backlogRaises).incrementAndGet();
    }
    // At rest: idle with the ring at its resting level, or raised for a hold no look can shorten.
    boolean resting = idle ? backlog <= policy.lowerAt() : policy.holding(nowNanos);
    nextTickMillis = resting ? Math.min(QUIET_TICK_MILLIS, nextTickMillis * 2) : TICK_MILLIS;
    return nextTickMillis;
  }

  private boolean move(boolean toIdle) {
    try {
      scheduling.setIdle(threadId, toIdle);
      idle = toIdle;
      if (toIdle && compilers.isEmpty()) {
        compilers = scanCompilers();
      }
      moveCompilers(toIdle);
      return true;
    } catch (BpfException e) {
      if (!refusalLogged) {
        refusalLogged = true;
        LOG.warning("the event thread stays " + (idle ? "SCHED_IDLE" : "at normal priority") + " (tried again "
            + "every " + TICK_MILLIS + " ms, said once): " + e.getMessage());
      }
      return false;
    }
  }

  private void moveCompilers(boolean toIdle) {
    int moved = 0;
    for (int id : compilers) {
      try {
        scheduling.setIdle(id, toIdle);
        moved++;
      } catch (BpfException ended) {
        // a compiler thread the JVM retired since the scan
      }
    }
    compilersIdle = toIdle ? moved : 0;
  }

  private List<Integer> scanCompilers() {
    List<Integer> found = new ArrayList<>();
    threadNames = scheduling.threads(threadNames);
    for (Map.Entry<Integer, String> t : threadNames.entrySet()) {
      if (isJitCompiler(t.getValue())) {
        found.add(t.getKey());
      }
    }
    return List.copyOf(found);
  }

  /** HotSpot's compiler threads as the kernel names them ("C2 CompilerThread0", cut to 15 characters). */
  static boolean isJitCompiler(String kernelName) {
    return kernelName.startsWith("C1 CompilerThre") || kernelName.startsWith("C2 CompilerThre");
  }

  /** JIT compiler threads lowered with the event thread at its last move or rescan. */
  public int compilersIdle() {
    return compilersIdle;
  }

  /** Whether the event thread is {@code SCHED_IDLE} now. */
  public boolean idle() {
    return idle;
  }

  /** Times the thread was raised because its backlog grew. */
  public long backlogRaises() {
    return backlogRaises.get();
  }

  /** Times the thread was raised because it got no turn on busy CPUs while events waited. */
  public long stallRaises() {
    return stallRaises.get();
  }

  /**
   * Raises the thread back to normal priority and stops watching; called before the event thread ends, so
   * its id is never touched after.
   */
  @Override
  public synchronized void close() {
    if (idle && !closed) {
      move(false); // what is left to drain at shutdown is drained at once, not on idle time
    }
    closed = true;
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }
}
