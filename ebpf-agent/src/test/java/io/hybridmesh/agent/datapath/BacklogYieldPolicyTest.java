package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BacklogYieldPolicyTest {

  private static final long MS = 1_000_000;
  private final BacklogYieldPolicy policy = new BacklogYieldPolicy(1000, 250, 300 * MS);

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
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 100, MS));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(0, 0, MS));
    assertThrows(IllegalArgumentException.class, () -> new BacklogYieldPolicy(100, 10, 0));
  }
}
