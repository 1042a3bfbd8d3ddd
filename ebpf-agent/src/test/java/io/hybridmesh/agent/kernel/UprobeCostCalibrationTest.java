package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.kernel.HitCosts.Round;
import io.hybridmesh.agent.kernel.UprobeCostCalibration.Calibration;
import io.hybridmesh.agent.kernel.UprobeCostCalibration.Settings;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.CalibrationFunctions.Function;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The calibration's arithmetic and its handling of the machine, with a fake machine whose timer is a sum. */
class UprobeCostCalibrationTest {

  private static final Settings SETTINGS = new Settings(5, 400, 60, 4);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);

  /**
   * A machine where a call costs {@code plainNs}, plus the configured cost for each probe attached on the
   * called function; and a nanosecond clock that the loops advance, so the calibration's own duration is
   * the loops' sum.
   */
  private static final class FakeMachine implements UprobeCostCalibration.Probes {
    long plainNs = 3;
    long emulatedEntry = 850;
    long emulatedReturn = 550;
    long steppedEntry = 9_800;
    long steppedReturn = 600;
    /** Extra nanoseconds added to the n-th timed loop (0-based), to simulate a descheduled round. */
    int spikeAt = -1;
    long spikeNs;
    String failAttach;
    final Set<Function> entries = EnumSet.noneOf(Function.class);
    final Set<Function> returns = EnumSet.noneOf(Function.class);
    final AtomicLong clock = new AtomicLong(1_000_000);
    final List<String> log = new ArrayList<>();
    int loops;
    boolean closed;

    @Override
    public long time(Function f, int calls) {
      long perCall = plainNs;
      if (entries.contains(f)) {
        perCall += f == Function.EMULATED ? emulatedEntry : steppedEntry;
      }
      if (returns.contains(f)) {
        perCall += f == Function.EMULATED ? emulatedReturn : steppedReturn;
      }
      long t = perCall * calls + (loops++ == spikeAt ? spikeNs : 0);
      clock.addAndGet(t);
      return t;
    }

    @Override
    public void attach(Function f, boolean returnProbe) {
      String what = (returnProbe ? "return " : "entry ") + f;
      if (what.equals(failAttach)) {
        throw new BpfException("bpf_program__attach_uprobe_opts", 95, "cannot attach " + what);
      }
      log.add(what);
      (returnProbe ? returns : entries).add(f);
    }

    @Override
    public void close() {
      entries.clear();
      returns.clear();
      closed = true;
    }
  }

  private static Calibration run(FakeMachine m) {
    return UprobeCostCalibration.run(() -> m, SETTINGS, "6.18.0-test", CLOCK, m.clock::get, Runnable::run);
  }

  @Test
  void measuresEachKindAndDetachesEverything() {
    FakeMachine m = new FakeMachine();
    Calibration c = run(m);
    UprobeCost cost = c.cost();
    assertEquals(850, cost.emulatedNs());
    assertEquals(9_800, cost.singleSteppedNs());
    assertEquals(850 + 550, cost.emulatedPairNs());
    assertEquals(9_800 + 600, cost.singleSteppedPairNs());
    assertNull(cost.note());
    assertTrue(cost.measured());
    assertEquals("6.18.0-test", cost.kernelRelease());
    assertEquals(CLOCK.instant(), cost.measuredAt());
    // The duration is what the fake clock advanced: every loop of both phases, warm-ups included.
    assertEquals((m.clock.get() - 1_000_000) / 1000, cost.calibrationMicros());
    assertTrue(cost.calibrationMicros() > 0);
    // Entry probes first, return probes added on top; all gone at the end.
    assertEquals(List.of("entry EMULATED", "entry SINGLE_STEPPED", "return EMULATED", "return SINGLE_STEPPED"),
        m.log);
    assertTrue(m.closed);
    assertTrue(m.entries.isEmpty() && m.returns.isEmpty());
    assertTrue(c.detached().isDone());
    assertTrue(cost.describe().contains("9.80 µs"), cost.describe());
  }

  @Test
  void oneDescheduledRoundDoesNotMoveTheMedian() {
    FakeMachine m = new FakeMachine();
    // Loops: 2 warm-ups, then per round plain, emulated, plain, stepped: loop 9 is round 1's stepped loop.
    m.spikeAt = 9;
    m.spikeNs = 40_000_000;
    assertEquals(9_800, run(m).cost().singleSteppedNs());
  }

  @Test
  void aCostBelowTheNoiseIsZeroAndSaidSo() {
    FakeMachine m = new FakeMachine();
    m.emulatedEntry = 0;
    m.emulatedReturn = 0;
    m.spikeAt = 2; // round 1's plain loop before the emulated one runs slow: that round's difference < 0
    m.spikeNs = 50_000;
    Settings one = new Settings(1, 400, 60, 4);
    UprobeCost cost = UprobeCostCalibration.run(() -> m, one, "r", CLOCK, m.clock::get, Runnable::run).cost();
    assertEquals(0, cost.emulatedNs());
    assertTrue(cost.note().contains("emulated entry: below the noise"), cost.note());
  }

  @Test
  void anAbsurdCostIsReportedAsSuchNotAsANumber() {
    FakeMachine m = new FakeMachine();
    m.steppedEntry = 5_000_000;
    UprobeCost cost = run(m).cost();
    assertEquals(UprobeCost.NOT_MEASURED, cost.singleSteppedNs());
    assertEquals(UprobeCost.NOT_MEASURED, cost.singleSteppedPairNs());
    assertEquals(850, cost.emulatedNs());
    assertFalse(cost.measured());
    assertTrue(cost.note().contains("single-stepped entry: 5000000 ns per hit is absurd"), cost.note());
    assertTrue(cost.describe().contains("single-stepped one not measured"), cost.describe());
  }

  @Test
  void noBpfIsNotMeasuredWithTheReason() {
    UprobeCost cost = UprobeCostCalibration.run(() -> {
      throw new IllegalStateException("cannot load the calibration programs: bpf_object__load: "
          + "Operation not permitted (EPERM)\nlibbpf: more lines");
    }, SETTINGS, "r", CLOCK, System::nanoTime, Runnable::run).cost();
    assertFalse(cost.measured());
    assertEquals(UprobeCost.NOT_MEASURED, cost.emulatedPairNs());
    assertEquals("cannot load the calibration programs: bpf_object__load: Operation not permitted (EPERM)",
        cost.note());
    assertTrue(cost.describe().startsWith("uprobe cost not measured: cannot load"), cost.describe());
  }

  @Test
  void anotherArchitectureIsNotMeasured() {
    UprobeCost cost = UprobeCostCalibration.run(() -> {
      throw new UnsupportedOperationException("aarch64 (the calibration functions exist on x86-64 only)");
    }, SETTINGS, "r", CLOCK, System::nanoTime, Runnable::run).cost();
    assertEquals("uprobe cost not measured: aarch64 (the calibration functions exist on x86-64 only)",
        cost.describe());
  }

  @Test
  void anEntryProbeThatCannotAttachDetachesWhatWasAttached() {
    FakeMachine m = new FakeMachine();
    m.failAttach = "entry SINGLE_STEPPED";
    UprobeCost cost = run(m).cost();
    assertFalse(cost.measured());
    assertEquals(UprobeCost.NOT_MEASURED, cost.emulatedNs());
    assertTrue(cost.note().startsWith("cannot measure entry probes: ")
        && cost.note().contains("cannot attach entry SINGLE_STEPPED"), cost.note());
    assertEquals(List.of("entry EMULATED"), m.log, "return probes are not tried");
    assertTrue(m.closed && m.entries.isEmpty());
  }

  @Test
  void returnProbesThatCannotAttachKeepTheEntryCosts() {
    FakeMachine m = new FakeMachine();
    m.failAttach = "return EMULATED";
    UprobeCost cost = run(m).cost();
    assertEquals(850, cost.emulatedNs());
    assertEquals(9_800, cost.singleSteppedNs());
    assertEquals(UprobeCost.NOT_MEASURED, cost.emulatedPairNs());
    assertEquals(UprobeCost.NOT_MEASURED, cost.singleSteppedPairNs());
    assertTrue(cost.measured());
    assertTrue(cost.note().startsWith("cannot measure entry+return probes"), cost.note());
    assertTrue(m.closed);
  }

  @Test
  void detachingHappensOnTheExecutorGiven() {
    FakeMachine m = new FakeMachine();
    List<Runnable> later = new ArrayList<>();
    Calibration c = UprobeCostCalibration.run(() -> m, SETTINGS, "r", CLOCK, m.clock::get, later::add);
    assertEquals(850, c.cost().emulatedNs());
    assertFalse(m.closed, "the answer comes before the slow detach");
    assertFalse(c.detached().isDone());
    later.forEach(Runnable::run);
    assertTrue(m.closed);
    assertTrue(c.detached().isDone());
  }

  @Test
  void mediansAndRounds() {
    assertEquals(2, HitCosts.median(new double[] {3, 1, 2}));
    assertEquals(2.5, HitCosts.median(new double[] {4, 1, 3, 2}));
    assertThrows(IllegalArgumentException.class, () -> HitCosts.median(new double[0]));
    assertEquals(10, new Round(1_300, 300, 100).perHit());
    assertEquals(-1, new Round(200, 300, 100).perHit());
    assertEquals(UprobeCost.NOT_MEASURED, HitCosts.estimate("x", List.of()).ns());
    assertEquals(1_000_000, HitCosts.estimate("x", List.of(new Round(100_000_000, 0, 100))).ns(),
        "exactly the limit is still a number");
    assertThrows(IllegalArgumentException.class, () -> new Settings(0, 1, 1, 0));
  }
}
