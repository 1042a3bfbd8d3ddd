package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.testing.IdleRingBuffer;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.ThreadScheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The shell around {@link BacklogYieldPolicy}, with a fake scheduler and a ring whose positions tests set. */
class EventThreadYieldTest {

  private static final long MS = 1_000_000;

  /** Records every move; refuses to raise when told to, as the kernel does without CAP_SYS_NICE. */
  static final class FakeScheduling implements ThreadScheduling {
    final List<String> moves = new ArrayList<>(); // the event thread's (4242)
    final Set<Integer> idleThreads = new TreeSet<>();
    final Map<Integer, String> threads = new TreeMap<>(Map.of(4242, "hmesh-agent-eve", 7, "C2 CompilerThre",
        8, "C1 CompilerThre", 9, "GC Thread#0", 10, "VM Thread"));
    boolean mayRaise = true;
    int scans; // reads of the process's threads (/proc/self/task for the real one)

    @Override
    public int currentThreadId() {
      return 4242;
    }

    @Override
    public void setIdle(int threadId, boolean toIdle) {
      if (!threads.containsKey(threadId)) {
        throw new BpfException("sched_setscheduler", 3, "cannot move thread " + threadId + " (no such thread)");
      }
      if (!toIdle && idleThreads.contains(threadId) && !mayRaise) {
        throw new BpfException("sched_setscheduler", 1, "cannot move thread " + threadId + " to SCHED_OTHER");
      }
      if (toIdle) {
        idleThreads.add(threadId);
      } else {
        idleThreads.remove(threadId);
      }
      if (threadId == 4242) {
        moves.add(threadId + (toIdle ? " idle" : " normal"));
      }
    }

    @Override
    public boolean isIdle(int threadId) {
      return idleThreads.contains(threadId);
    }

    @Override
    public boolean canLeaveIdle() {
      return mayRaise;
    }

    int namesRead; // names looked up that the caller did not already know

    @Override
    public Map<Integer, String> threads(Map<Integer, String> known) {
      scans++;
      Map<Integer, String> now = new TreeMap<>();
      threads.forEach((id, name) -> {
        if (!known.containsKey(id)) {
          namesRead++;
        }
        now.put(id, known.getOrDefault(id, name));
      });
      return now;
    }
  }

  private final FakeScheduling scheduling = new FakeScheduling();
  private final IdleRingBuffer ring = new IdleRingBuffer();

  /** Without holds: each look may lower the thread, so the tests below see every move. */
  private EventThreadYield yielding(EventThreadPriority mode) {
    return new EventThreadYield(mode, scheduling, ring, new BacklogYieldPolicy(1000, 250, 300 * MS, 0, 0));
  }

  @Test
  void aRaiseHoldsTheThreadUpAndTheLooksBackOffMeanwhile() {
    BacklogYieldPolicy held = new BacklogYieldPolicy(1000, 250, 300 * MS, 1000 * MS, 32_000 * MS);
    try (EventThreadYield y = new EventThreadYield(EventThreadPriority.YIELD, scheduling, ring, held)) {
      y.enter();
      ring.backlog = 5000;
      assertTrue(y.tick(10 * MS) > EventThreadYield.TICK_MILLIS, "no look can lower it within the hold: "
          + "they back off from the raise on");
      assertFalse(y.idle());
      ring.backlog = 0;
      ring.consumed = 5000;
      y.tick(20 * MS);
      assertFalse(y.idle(), "drained, but held up for a second");
      for (long at = 40; at < 1000; at += 80) {
        y.tick(at * MS);
      }
      assertFalse(y.idle());
      y.tick(1010 * MS);
      assertTrue(y.idle(), "the hold has passed and the ring is at rest");
      assertEquals(List.of("4242 idle", "4242 normal", "4242 idle"), scheduling.moves);
    }
  }

  @Test
  void theThreadLowersItselfAndIsRaisedAndLoweredAsTheBacklogMoves() {
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      assertTrue(y.idle());
      ring.backlog = 5000;
      y.tick(10 * MS);
      assertFalse(y.idle());
      assertEquals(1, y.backlogRaises());
      ring.backlog = 0;
      ring.consumed = 5000;
      y.tick(20 * MS);
      assertTrue(y.idle());
      ring.backlog = 10;
      y.tick(30 * MS);
      y.tick(400 * MS);
      assertEquals(1, y.stallRaises(), "events waited 370 ms with no consumer progress");
      assertEquals(List.of("4242 idle", "4242 normal", "4242 idle", "4242 normal"), scheduling.moves);
    }
  }

  @Test
  void theJitCompilersMoveWithTheEventThreadAndTheGarbageCollectorNever() {
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      assertEquals(Set.of(4242, 7, 8), scheduling.idleThreads);
      assertEquals(2, y.compilersIdle());
      ring.backlog = 5000;
      y.tick(10 * MS);
      assertEquals(Set.of(), scheduling.idleThreads, "raised together");
      ring.backlog = 0;
      ring.consumed = 5000;
      y.tick(20 * MS);
      assertEquals(Set.of(4242, 7, 8), scheduling.idleThreads);
      assertEquals(1, scheduling.scans, "a raise and a lowering move the compilers found before, without a scan");
      scheduling.threads.remove(8); // the JVM retires one compiler thread and starts another
      scheduling.threads.put(11, "C2 CompilerThre");
      for (long now = 30 * MS; now <= 10 * MS + EventThreadYield.RESCAN_NANOS; now += 10 * MS) {
        y.tick(now); // the first look (at 10 ms) started the second
      }
      assertEquals(Set.of(4242, 7, 8, 11), scheduling.idleThreads, "the new one lowered at the rescan");
      assertEquals(2, y.compilersIdle());
      assertEquals(2, scheduling.scans, "one rescan a second");
      assertEquals(6, scheduling.namesRead, "five names at the first scan, only the new thread's at the rescan");
    }
    assertEquals(Set.of(8), scheduling.idleThreads, "close raises every lowered thread that still exists (8 ended)");
  }

  @Test
  void looksBackOffWhileTheRingStaysEmptyAndComeBackAtTheFirstEvent() {
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      List<Integer> gaps = new ArrayList<>();
      long now = 0;
      for (int i = 0; i < 5; i++) {
        now += 10 * MS;
        gaps.add(y.tick(now));
      }
      assertEquals(List.of(20, 40, 80, 80, 80), gaps, "doubling up to the quiet gap");
      ring.backlog = 200; // events resting below the lowering threshold (250): still quiet
      assertEquals(80, y.tick(now += 80 * MS));
      ring.backlog = 400; // above it, below the raise threshold: the thread stays idle, the looks come back
      assertEquals(EventThreadYield.TICK_MILLIS, y.tick(now += 80 * MS));
      assertTrue(y.idle());
      ring.backlog = 5000;
      assertEquals(EventThreadYield.TICK_MILLIS, y.tick(now += 10 * MS));
      assertFalse(y.idle());
      ring.backlog = 0;
      ring.consumed = 5010;
      assertEquals(20, y.tick(now + 10 * MS), "lowered and empty again: backing off from the start");
      assertTrue(y.idle());
    }
  }

  @Test
  void aStallIsRaisedWithinAQuietGapOfTheStallTime() {
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      long now = 0;
      for (int i = 0; i < 4; i++) {
        now += y.tick(now) * MS; // the gaps grow to 80 ms
      }
      long lastEmpty = now;
      y.tick(now);
      ring.backlog = 10; // events wait, and the consumer never moves
      while (y.idle()) {
        now += y.tick(now) * MS;
      }
      assertEquals(1, y.stallRaises());
      assertTrue(now - lastEmpty <= 300 * MS + EventThreadYield.QUIET_TICK_MILLIS * MS,
          "raised within a quiet gap of the stall time: " + (now - lastEmpty) / MS + " ms");
    }
  }

  @Test
  void hotSpotCompilerThreadsAreKnownByTheirKernelNames() {
    assertTrue(EventThreadYield.isJitCompiler("C2 CompilerThre"));
    assertTrue(EventThreadYield.isJitCompiler("C1 CompilerThre"));
    assertFalse(EventThreadYield.isJitCompiler("GC Thread#0"));
    assertFalse(EventThreadYield.isJitCompiler("hmesh-agent-eve"));
  }

  @Test
  void closingRaisesTheThreadSoShutdownDrainsAtOnce() {
    EventThreadYield y = yielding(EventThreadPriority.YIELD);
    y.enter();
    y.close();
    assertFalse(y.idle());
    ring.backlog = 5000;
    y.tick(10 * MS);
    assertEquals(List.of("4242 idle", "4242 normal"), scheduling.moves, "nothing moves after close");
  }

  @Test
  void normalModeNeverTouchesTheThread() {
    try (EventThreadYield y = yielding(EventThreadPriority.NORMAL)) {
      y.enter();
      ring.backlog = 5000;
      y.tick(10 * MS);
      assertFalse(y.idle());
      assertTrue(scheduling.moves.isEmpty());
    }
  }

  @Test
  void aProcessThatCouldNotRaiseItAgainNeverLowersIt() {
    scheduling.mayRaise = false;
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      assertFalse(y.idle());
      assertTrue(scheduling.moves.isEmpty());
    }
  }

  @Test
  void aRefusedRaiseIsReportedAndTheThreadStaysWhereItIs() {
    try (EventThreadYield y = yielding(EventThreadPriority.YIELD)) {
      y.enter();
      scheduling.mayRaise = false; // e.g. the capability was dropped after the start
      ring.backlog = 5000;
      y.tick(10 * MS);
      assertTrue(y.idle(), "still idle: the kernel said no");
      assertEquals(0, y.backlogRaises());
    }
  }
}
