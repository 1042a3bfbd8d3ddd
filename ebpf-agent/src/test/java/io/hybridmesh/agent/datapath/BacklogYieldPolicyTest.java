package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BacklogYieldPolicyTest {

  private static final long MS = 1_000_000;
  private static final long S = 1000 * MS;
  /** Without holds: the thresholds alone. */
  private final BacklogYieldPolicy policy = new BacklogYieldPolicy(1000, 250, 300 * MS, 0, 0);
  private final BacklogYieldPolicy holding = new BacklogYieldPolicy(1000, 250, 300 * MS, S, 32 * S);

  @Test
  void idleWhileTheReaderKeepsUp() {
    long consumed = 0;
    for (int tick = 0; tick < 100; tick++) {
      consumed += 400;
      assertTrue(policy.observe(400, consumed, tick * 10 * MS), "tick " + tick);
    }
  }

  @Test
  void aGrowingBacklogRaisesAndADrainedOneLowersWithAGapBetween() {
    assertTrue(policy.observe(999, 0, 0));
    assertFalse(policy.observe(1000, 10, 10 * MS), "raised at raiseAt");
    assertFalse(policy.lastRaiseWasStall());
    assertFalse(policy.observe(600, 500, 20 * MS), "still raised between the two thresholds");
    assertFalse(policy.observe(251, 900, 30 * MS));
    assertTrue(policy.observe(250, 1300, 40 * MS), "lowered at lowerAt");
    assertTrue(policy.observe(600, 1400, 50 * MS), "not raised again below raiseAt");
  }

  @Test
  void eventsWaitingWithoutTheConsumerMovingRaiseEvenWhenFew() {
    assertTrue(policy.observe(10, 0, 0));
    assertTrue(policy.observe(10, 0, 299 * MS), "the reader may sleep between polls");
    assertFalse(policy.observe(10, 0, 300 * MS), "no turn for 300 ms: raised");
    assertTrue(policy.lastRaiseWasStall());
    assertFalse(policy.observe(10, 0, 310 * MS), "stays raised until the consumer moves");
    assertTrue(policy.observe(0, 10, 320 * MS), "it ran and caught up");
  }

  @Test
  void anEmptyRingIsNeverAStall() {
    for (int tick = 0; tick < 100; tick++) {
      assertTrue(policy.observe(0, 0, tick * 100 * MS));
    }
  }

  @Test
  void theStallClockRestartsWhenTheConsumerMoves() {
    assertTrue(policy.observe(10, 0, 0));
    assertTrue(policy.observe(10, 5, 200 * MS));
    assertTrue(policy.observe(10, 5, 499 * MS), "300 ms since the last progress, not since the start");
    assertFalse(policy.observe(10, 5, 500 * MS));
  }

  @Test
  void thresholdsFollowTheRingAndStayAboveTheWakeupLevel() {
    BacklogYieldPolicy sixteenMib = BacklogYieldPolicy.forRing(16 << 20, 256 << 10, 300 * MS);
    assertEquals(2 << 20, sixteenMib.raiseAt(), "an eighth of the ring");
    BacklogYieldPolicy oneMib = BacklogYieldPolicy.forRing(1 << 20, 256 << 10, 300 * MS);
    assertEquals(512 << 10, oneMib.raiseAt(), "twice the wakeup level, which an eighth would be under");
    BacklogYieldPolicy tiny = BacklogYieldPolicy.forRing(4096, 1024, 300 * MS);
    assertEquals(2048, tiny.raiseAt(), "at most half the ring");
  }

  @Test
  void nonsenseThresholdsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 100, MS, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(0, 0, MS, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 10, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 10, MS, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 10, MS, 2 * S, S));
  }

  @Test
  void aRaiseHoldsTheThreadUpForItsHoldEvenWhenDrained() {
    assertFalse(holding.observe(1000, 0, 0));
    assertTrue(holding.holding(0));
    assertFalse(holding.observe(0, 1000, 10 * MS), "drained at once, but a saturated node would starve it again");
    assertFalse(holding.observe(0, 1000, S - 1), "within the hold");
    assertFalse(holding.holding(S));
    assertTrue(holding.observe(0, 1000, S), "the hold has passed");
  }

  /** A saturated node: the idle thread starves for the stall time each time it is lowered. */
  @Test
  void raisesSoonAfterALoweringHoldTwiceAsLongUpToTheMaximum() {
    long now = 0;
    long consumed = 0;
    List<Long> holds = new ArrayList<>();
    for (int cycle = 0; cycle < 8; cycle++) {
      holding.observe(10, consumed, now); // events arrive; the idle thread gets no turn
      now += 300 * MS;
      assertFalse(holding.observe(10, consumed, now), "a stall raises");
      holds.add(holding.holdNanos() / S);
      consumed += 10;
      while (!holding.observe(0, consumed, now)) { // drained; lowered once the hold has passed
        now += 10 * MS;
      }
    }
    assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 32L, 32L), holds);
  }

  @Test
  void aRaiseLongAfterTheLastLoweringHoldsForTheShortestTimeAgain() {
    holding.observe(1000, 0, 0);
    holding.observe(0, 1000, S);
    holding.observe(1000, 1000, S + 10 * MS);
    assertEquals(2 * S, holding.holdNanos(), "soon after: doubled");
    holding.observe(0, 2000, 4 * S);
    holding.observe(1000, 2000, 40 * S);
    assertEquals(S, holding.holdNanos(), "36 s of yielding since: a node back at rest");
  }
}
