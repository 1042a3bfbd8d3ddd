package io.hybridmesh.agent.kernel;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.kernel.HitCosts.Estimate;
import io.hybridmesh.agent.kernel.HitCosts.Round;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.CalibrationFunctions;
import io.hybridmesh.jni.CalibrationFunctions.Function;
import io.hybridmesh.jni.CalibrationFunctions.Site;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Measures what a uprobe hit costs on this node, in a few tens of milliseconds at agent start: programs
 * that do nothing ({@code bpf/uprobe_calibrate.bpf.c}) are attached, in this process only, to two
 * functions of the JNI library, one starting with an instruction the kernel emulates ({@code push %rbp})
 * and one starting with an instruction it single-steps ({@code sub $8,%rsp}); each is called from a C
 * loop, interleaved round by round with an unprobed twin whose time is subtracted; medians over rounds.
 * First entry probes alone, then with return probes added on the same functions.
 *
 * <p>Removing a uprobe is slow: each removal waits for RCU grace periods (a detaching thread's kernel
 * stack shows {@code synchronize_rcu_tasks_trace} under {@code perf_event_detach_bpf_prog},
 * {@code uprobe_unregister_sync} and {@code perf_trace_event_unreg}), about 0.1 s per probe on this
 * project's KVM guest, one after another. So the four probes are detached after the answer is known, on
 * the executor given ({@link #start}); {@link #measure} waits for that too.
 *
 * <p>It never fails the agent: without root, BPF or x86-64 the answer is "not measured" with the reason.
 * The arithmetic is {@link HitCosts}; the machine is behind {@link Probes}, so tests can fake the timer.
 */
public final class UprobeCostCalibration {

  private static final Logger LOG = Logger.getLogger(UprobeCostCalibration.class.getName());

  /**
   * How much to measure. Calls per loop differ by kind so that each loop takes well under a millisecond
   * on a KVM guest (~1 µs emulated, ~10-14 µs single-stepped): long enough for the clock, short enough
   * that five rounds of both phases take about 10 ms (loading and attaching take the rest).
   *
   * @param warmupCalls calls before timing, after attaching: the first single step maps the kernel's
   *     out-of-line page into the process, the first return probe its trampoline
   */
  record Settings(int rounds, int emulatedCalls, int steppedCalls, int warmupCalls) {
    Settings {
      if (rounds < 1 || emulatedCalls < 1 || steppedCalls < 1 || warmupCalls < 0) {
        throw new IllegalArgumentException("calibration needs at least one round and one call");
      }
    }
  }

  static final Settings DEFAULT = new Settings(5, 400, 60, 4);

  /** The machine side: timing loops and attaching probes. */
  interface Probes extends AutoCloseable {

    /** Nanoseconds for {@code calls} calls of the function. */
    long time(Function function, int calls);

    /** Probes the function's entry, or its return, until {@link #close()}. */
    void attach(Function function, boolean returnProbe) throws Exception;

    /** Detaches every probe and frees the programs; slow (see the class comment); never throws. */
    @Override
    void close();
  }

  /** Opens the machine side; may throw (no BPF, not x86-64): that becomes "not measured". */
  interface ProbesFactory {
    Probes open() throws Exception;
  }

  /**
   * The answer, and when the probes are all gone again.
   *
   * @param detached completes with how long detaching took
   */
  public record Calibration(UprobeCost cost, CompletableFuture<Duration> detached) {}

  private UprobeCostCalibration() {}

  /**
   * Measures on this machine with the real programs and functions, and detaches on a daemon thread of
   * its own, so an agent's start waits for the answer only. Never throws.
   */
  public static Calibration start(Bpf bpf) {
    Objects.requireNonNull(bpf, "bpf");
    Executor detacher = task -> {
      Thread t = new Thread(task, "hmesh-uprobe-calibration-detach");
      t.setDaemon(true);
      t.start();
    };
    return run(() -> NativeProbes.open(bpf), DEFAULT, kernelRelease(), Clock.systemUTC(), System::nanoTime,
        detacher);
  }

  /** {@link #start}, and waits until everything is detached (for one-shot commands and tests). */
  public static UprobeCost measure(Bpf bpf) {
    Calibration c = start(bpf);
    c.detached().join();
    return c.cost();
  }

  static Calibration run(ProbesFactory factory, Settings s, String release, Clock clock, LongSupplier nanoTime,
      Executor detacher) {
    long start = nanoTime.getAsLong();
    Instant at = clock.instant();
    Probes probes;
    try {
      probes = factory.open();
    } catch (Exception | LinkageError e) {
      return new Calibration(UprobeCost.notMeasured(reason(e), release, at, micros(nanoTime.getAsLong() - start)),
          CompletableFuture.completedFuture(Duration.ZERO));
    }
    Phase entry;
    Phase pair;
    try {
      entry = phase(probes, false, s);
      // Entry probes that cannot attach say all there is to say; return probes would fail alike.
      pair = entry.failed() ? entry : phase(probes, true, s);
    } catch (Error e) {
      // phase() turns every failure it expects into an answer; on anything else, still detach.
      probes.close();
      throw e;
    }
    long measuredMicros = micros(nanoTime.getAsLong() - start);
    CompletableFuture<Duration> detached = detach(probes, nanoTime, detacher);
    if (entry.failed()) {
      return new Calibration(UprobeCost.notMeasured(entry.emulated().problem(), release, at, measuredMicros),
          detached);
    }
    List<String> notes = new ArrayList<>();
    for (Estimate e : List.of(entry.emulated(), entry.singleStepped(), pair.emulated(), pair.singleStepped())) {
      if (e.problem() != null && !notes.contains(e.problem())) {
        notes.add(e.problem());
      }
    }
    return new Calibration(new UprobeCost(entry.emulated().ns(), entry.singleStepped().ns(),
        pair.emulated().ns(), pair.singleStepped().ns(), release, at, measuredMicros,
        notes.isEmpty() ? null : String.join("; ", notes)), detached);
  }

  /** Closes the probes on the detacher, or here when it refuses. */
  private static CompletableFuture<Duration> detach(Probes probes, LongSupplier nanoTime, Executor detacher) {
    CompletableFuture<Duration> done = new CompletableFuture<>();
    Runnable close = () -> {
      long t0 = nanoTime.getAsLong();
      try {
        probes.close();
      } finally {
        Duration took = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - t0));
        LOG.fine(() -> "uprobe calibration: probes detached in " + took.toMillis() + " ms");
        done.complete(took);
      }
    };
    try {
      detacher.execute(close);
    } catch (RuntimeException e) {
      close.run();
    }
    return done;
  }

  /** The two answers of one phase; {@code failed} when its probes could not even be attached and run. */
  record Phase(Estimate emulated, Estimate singleStepped, boolean failed) {

    static Phase failed(String why) {
      Estimate e = new Estimate(UprobeCost.NOT_MEASURED, why);
      return new Phase(e, e, true);
    }
  }

  /**
   * One phase: entry (or return) probes added on both functions, a warm-up, then rounds that interleave
   * the unprobed twin with each probed function. The probes stay until the caller closes them all.
   */
  static Phase phase(Probes p, boolean returnProbes, Settings s) {
    String kind = returnProbes ? "entry+return" : "entry";
    Map<Function, List<Round>> rounds = new EnumMap<>(Function.class);
    List<Function> probed = List.of(Function.EMULATED, Function.SINGLE_STEPPED);
    try {
      for (Function f : probed) {
        p.attach(f, returnProbes);
        rounds.put(f, new ArrayList<>());
      }
      for (Function f : probed) {
        p.time(f, s.warmupCalls());
      }
      for (int r = 0; r < s.rounds(); r++) {
        for (Function f : probed) {
          int calls = f == Function.EMULATED ? s.emulatedCalls() : s.steppedCalls();
          long plain = p.time(Function.PLAIN, calls);
          rounds.get(f).add(new Round(p.time(f, calls), plain, calls));
        }
      }
    } catch (Exception | LinkageError e) {
      return Phase.failed("cannot measure " + kind + " probes: " + reason(e));
    }
    return new Phase(HitCosts.estimate("emulated " + kind, rounds.get(Function.EMULATED)),
        HitCosts.estimate("single-stepped " + kind, rounds.get(Function.SINGLE_STEPPED)), false);
  }

  /** The first line of what went wrong, prefixed with what it was. */
  static String reason(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static long micros(long nanos) {
    return Math.max(0, nanos / 1000);
  }

  private static String kernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The real machine: the calibration object loaded, probes attached in this process only. */
  static final class NativeProbes implements Probes {

    private final BpfObject object;
    private final Map<Function, Site> sites;
    private final int pid = (int) ProcessHandle.current().pid();
    private final List<BpfLink> links = new ArrayList<>();

    private NativeProbes(BpfObject object, Map<Function, Site> sites) {
      this.object = object;
      this.sites = sites;
    }

    static NativeProbes open(Bpf bpf) {
      Optional<String> other = CalibrationFunctions.unsupported();
      if (other.isPresent()) {
        throw new UnsupportedOperationException(other.get() + " (the calibration functions exist on x86-64 only)");
      }
      Map<Function, Site> sites = CalibrationFunctions.sites();
      BpfObject o = bpf.open("uprobe_calibrate", BpfObjects.load(BpfObjects.UPROBE_CALIBRATE));
      try {
        o.load();
      } catch (RuntimeException e) {
        o.close();
        throw new IllegalStateException("cannot load the calibration programs: " + reason(e), e);
      }
      return new NativeProbes(o, sites);
    }

    @Override
    public long time(Function function, int calls) {
      return CalibrationFunctions.time(function, calls);
    }

    @Override
    public void attach(Function function, boolean returnProbe) {
      Site site = sites.get(function);
      links.add(object.attachUprobe(returnProbe ? "hm_cal_return" : "hm_cal_entry",
          site.target(returnProbe, pid)));
    }

    /** Return probes first: they are the last ones added. */
    @Override
    public void close() {
      for (int i = links.size() - 1; i >= 0; i--) {
        try {
          links.get(i).close();
        } catch (RuntimeException e) {
          LOG.warning("uprobe calibration: " + reason(e));
        }
      }
      links.clear();
      try {
        object.close();
      } catch (RuntimeException e) {
        LOG.warning("uprobe calibration: " + reason(e));
      }
    }
  }
}
