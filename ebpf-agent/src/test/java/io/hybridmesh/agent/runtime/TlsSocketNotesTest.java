package io.hybridmesh.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketNotes;
import io.hybridmesh.jni.BpfException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TlsSocketNotesTest {

  private static final long S = 1_000_000_000L;

  /** Attached at load, as the datapath leaves them; counts what is done to it. */
  static final class FakeNotes implements SocketNotes {
    boolean attached = true;
    int attaches;
    int detaches;
    boolean refuse;

    @Override
    public void attach() {
      if (refuse) {
        throw new BpfException("bpf_raw_tracepoint_open", 2, "tracepoint gone");
      }
      attaches++;
      attached = true;
    }

    @Override
    public void detach() {
      detaches++;
      attached = false;
    }

    @Override
    public boolean attached() {
      return attached;
    }
  }

  @Test
  void theyStayWhileTlsCallsComeAndGoAfterTheIdleTimeWithout() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(30), 0);
    for (int s = 1; s <= 60; s++) {
      policy.housekeeping(s * 100L, 1, 0, s * S); // calls every second
    }
    assertTrue(notes.attached);
    for (int s = 61; s < 90; s++) {
      policy.housekeeping(6000, 1, 0, s * S);
    }
    assertTrue(notes.attached, "29 s without a call: still there");
    policy.housekeeping(6000, 1, 0, 90 * S);
    assertFalse(notes.attached, "30 s without a call: detached");
    assertFalse(policy.attached());
    assertEquals(0, policy.reattaches());
  }

  @Test
  void aNodeWithNoTlsCallAtAllDetachesThemAfterTheIdleTimeFromStart() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(30), 5 * S);
    policy.housekeeping(0, 1, 0, 34 * S);
    assertTrue(notes.attached);
    policy.housekeeping(0, 1, 0, 35 * S);
    assertFalse(notes.attached);
  }

  @Test
  void theNextTlsCallReadAttachesThemAtOnceAndHousekeepingDoesIfTheEventThreadDidNot() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(1), 0);
    policy.housekeeping(0, 1, 0, 2 * S);
    assertFalse(notes.attached);

    policy.tlsCall();
    assertTrue(notes.attached);
    policy.tlsCall();
    assertEquals(1, notes.attaches, "only when away");
    assertEquals(1, policy.reattaches());

    policy.housekeeping(5, 1, 0, 3 * S);
    policy.housekeeping(5, 1, 0, 5 * S);
    assertFalse(notes.attached);
    policy.housekeeping(9, 1, 0, 6 * S); // calls the event thread has not read yet
    assertTrue(notes.attached);
    assertEquals(2, policy.reattaches());
  }

  @Test
  void aProbedGoProcessKeepsThemAndZeroIdleNeverDetaches() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(1), 0);
    for (int s = 1; s < 100; s++) {
      policy.housekeeping(0, 1, 1, s * S);
    }
    assertTrue(notes.attached, "a Go Write is reported at its send");

    FakeNotes kept = new FakeNotes();
    TlsSocketNotes never = new TlsSocketNotes(kept, Duration.ZERO, 0);
    never.housekeeping(0, 1, 0, 1000 * S);
    assertTrue(kept.attached);
  }

  @Test
  void aRefusedAttachIsTriedAgainAtTheNextHousekeepingNotAtEveryCall() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(1), 0);
    policy.housekeeping(0, 1, 0, 2 * S);
    notes.refuse = true;
    policy.tlsCall();
    policy.tlsCall();
    policy.tlsCall();
    assertFalse(policy.attached());
    assertEquals(0, policy.reattaches());
    notes.refuse = false;
    policy.tlsCall();
    assertFalse(notes.attached, "not before the next housekeeping");
    policy.housekeeping(3, 1, 0, 3 * S);
    assertTrue(notes.attached);
    assertEquals(1, policy.reattaches());
  }

  @Test
  void aWorkloadThatStartsBeingWatchedBringsThemBackAndRestartsTheIdleTime() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(10), 0);
    policy.housekeeping(0, 1, 0, 10 * S);
    assertFalse(notes.attached);
    policy.newWorkload(15 * S);
    assertTrue(notes.attached);
    policy.housekeeping(0, 1, 0, 24 * S);
    assertTrue(notes.attached, "its first calls may come late");
    policy.housekeeping(0, 1, 0, 25 * S);
    assertFalse(notes.attached);
  }

  @Test
  void withNoProcessProbedTheyGoAtOnceAndComeBackWhenTheDatapathProbesOne() {
    FakeNotes notes = new FakeNotes();
    TlsSocketNotes policy = new TlsSocketNotes(notes, Duration.ofSeconds(30), 0);
    policy.housekeeping(0, 0, 0, S);
    assertFalse(notes.attached, "nothing could use them");
    notes.attach(); // the datapath, before it links a new process's probes
    policy.housekeeping(0, 1, 0, 2 * S);
    assertTrue(policy.attached());
    policy.tlsCall();
    assertEquals(0, policy.reattaches(), "not brought back by a call");
    policy.housekeeping(0, 1, 0, 31 * S);
    assertTrue(notes.attached);
    policy.housekeeping(0, 1, 0, 32 * S);
    assertFalse(notes.attached, "the idle time counts from the last activity");
  }
}
