package io.hybridmesh.bench;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsDatapath;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.kernel.UprobeCostCalibration;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.RingBufferReader;
import io.hybridmesh.jni.UprobeTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a uprobe hit costs per first instruction, with the agent's own TLS programs attached (run by
 * bench/uprobe-cost.sh as root). The agent's tc_flow anchor (ring buffer, counters) and tls_uprobe object
 * are loaded as the agent loads them, the syscall tracepoints attached, and the benchmark's network
 * namespace watched, so the programs do all their work: record the call at entry, copy the plaintext and
 * send an event at return (drained by a reader thread here, as the agent's pump would).
 *
 * <p>Copies of the driver (bench/uprobe-cost-driver.c) run side by side in that namespace: one unprobed,
 * one per site with the entry and return programs attached to that site in that process only. Each round
 * times, site by site, the same loop in the unprobed copy and in the probed one; the cost per hit is the
 * difference divided by the calls, the median over rounds.
 *
 * <pre>
 * UprobeCostBench DRIVER CERT KEY NETNS ROUNDS CALLS SSL_CALLS LIBSSL SSL_WRITE_INSN INTERNAL_OFFSET INTERNAL_INSN
 *     CONSUMERS
 * </pre>
 */
public final class UprobeCostBench {

  /** One probed site: where, what the kernel meets there, which programs, and the loop that hits it. */
  private record Site(String label, String instruction, UprobeTarget where, String entry, String ret,
      String command, int calls) {}

  private UprobeCostBench() {}

  public static void main(String[] a) throws Exception {
    if (a.length != 12) {
      System.err.println("usage: UprobeCostBench DRIVER CERT KEY NETNS ROUNDS CALLS SSL_CALLS LIBSSL "
          + "SSL_WRITE_INSN INTERNAL_OFFSET INTERNAL_INSN CONSUMERS");
      System.exit(2);
    }
    Path driver = Path.of(a[0]);
    int rounds = Integer.parseInt(a[4]);
    int calls = Integer.parseInt(a[5]);
    int sslCalls = Integer.parseInt(a[6]);
    Path libssl = Path.of(a[7]);
    int[] consumers = java.util.Arrays.stream(a[11].trim().split("[ ,]+")).mapToInt(Integer::parseInt).toArray();
    List<Site> sites = new ArrayList<>();
    String[][] synthetic = {
        {"push", "push %rbp"}, {"nop1", "nop"}, {"nop4", "nopl 0x0(%rax)"}, {"nop5", "nopl 0x0(%rax,%rax,1)"},
        {"call", "call rel32"}, {"jmp", "jmp rel32"}, {"endbr64", "endbr64"}, {"sub", "sub $0x18,%rsp"},
        {"mov", "mov %rdi,%rax"}};
    for (String[] s : synthetic) {
      sites.add(new Site("site_" + s[0], s[1], new UprobeTarget(driver, "site_" + s[0], 0, false, -1),
          "hm_ssl_write_ex", "hm_ssl_write_ex_ret", "site site_" + s[0], calls));
    }
    // SSL_write as the agent probes it today; the internal function it calls has SSL_write_ex's signature.
    sites.add(new Site("libssl SSL_write", a[8], new UprobeTarget(libssl, "SSL_write", 0, false, -1),
        "hm_ssl_write", "hm_ssl_write_ret", "ssl", sslCalls));
    sites.add(new Site("libssl SSL_write's callee", a[10],
        new UprobeTarget(libssl, null, Long.decode(a[9]), false, -1), "hm_ssl_write_ex", "hm_ssl_write_ex_ret",
        "ssl", sslCalls));

    Bpf bpf = NativeBpf.load();
    TcSettings settings = TcSettings.defaults();
    long netns = (Long) Files.getAttribute(Path.of("/run/netns", a[3]), "unix:ino");
    List<DriverProcess> drivers = new ArrayList<>();
    AtomicBoolean draining = new AtomicBoolean(true);
    AtomicLong events = new AtomicLong();
    try (TcDatapath tc = new TcDatapath(bpf, settings);
        TlsDatapath tls = new TlsDatapath(bpf, BpfObjects.load(BpfObjects.TLS_UPROBE), tc.output(),
            new TlsHooks(UprobeLinks.PER_SITE, SocketHooks.AUTO))) {
      tls.watchNetns(netns, 1);
      Thread drain = drainer(tc.events(), draining, events);
      DriverProcess base = new DriverProcess(a[3], a);
      drivers.add(base);
      Map<Site, DriverProcess> probed = new LinkedHashMap<>();
      for (Site s : sites) {
        DriverProcess d = new DriverProcess(a[3], a);
        drivers.add(d);
        UprobeTarget entry = new UprobeTarget(s.where().binary(), s.where().symbol(), s.where().offset(), false,
            d.pid);
        tls.attachProgram(s.entry(), entry);
        tls.attachProgram(s.ret(), new UprobeTarget(entry.binary(), entry.symbol(), entry.offset(), true, d.pid));
        probed.put(s, d);
      }
      // Warm-up: the first hits map the kernel's out-of-line and trampoline pages, and fault in the code.
      for (Site s : sites) {
        base.run(s.command(), 50);
        probed.get(s).run(s.command(), 50);
      }
      Map<Site, List<double[]>> samples = new HashMap<>();
      Thread.sleep(300); // the warm-up's events are drained before counting starts
      long events0 = events.get();
      for (int r = 0; r < rounds; r++) {
        for (Site s : sites) {
          double b = base.run(s.command(), s.calls()) / (double) s.calls();
          double p = probed.get(s).run(s.command(), s.calls()) / (double) s.calls();
          samples.computeIfAbsent(s, k -> new ArrayList<>()).add(new double[] {b, p});
        }
      }
      Thread.sleep(300); // the last events reach the reader
      long emitted = events.get() - events0;
      long expected = sites.stream().mapToLong(s -> (long) s.calls() * rounds).sum();
      print(sites, samples, rounds, calls, sslCalls, emitted, expected);
      System.out.println("The agent's own calibration in this JVM (programs that do nothing, same kernel): "
          + UprobeCostCalibration.measure(bpf).describe());
      long t0 = System.nanoTime();
      tls.close();
      System.out.printf(Locale.ROOT, "%nDetaching the %d probes took %.1f s (each removal waits for RCU grace "
          + "periods).%n", sites.size() * 2, (System.nanoTime() - t0) / 1e9);
      UprobeConsumerScaling.run(bpf, tc.output(), a[3], netns, a, consumers, rounds, calls);
      draining.set(false);
      tc.events().wakeup();
      drain.join(2000);
    } finally {
      drivers.forEach(DriverProcess::close);
    }
  }

  private static void print(List<Site> sites, Map<Site, List<double[]>> samples, int rounds, int calls,
      int sslCalls, long emitted, long expected) {
    System.out.printf(Locale.ROOT, "%nuprobe cost per hit with the agent's TLS programs (entry + return) "
        + "attached; medians of %d rounds;%n%,d calls per round for the sites, %,d SSL_write+SSL_read for "
        + "libssl; every loop also timed in an unprobed copy in the same round.%n%n", rounds, calls, sslCalls);
    System.out.printf(Locale.ROOT, "%-26s %-24s %-15s %-20s %11s %11s %11s %8s%n", "SITE", "FIRST INSTRUCTION",
        "KERNEL", "PROGRAMS", "UNPROBED", "PROBED", "PER HIT", "RATIO");
    for (Site s : sites) {
      List<double[]> l = samples.get(s);
      double base = median(l.stream().mapToDouble(x -> x[0]).toArray());
      double probed = median(l.stream().mapToDouble(x -> x[1]).toArray());
      double hit = median(l.stream().mapToDouble(x -> x[1] - x[0]).toArray());
      double ratio = median(l.stream().mapToDouble(x -> x[1] / x[0]).toArray());
      System.out.printf(Locale.ROOT, "%-26s %-24s %-15s %-20s %8.1f ns %8.0f ns %8.0f ns %7.1fx%n", s.label(),
          s.instruction(), kind(s.instruction()), s.entry() + "(+ret)", base, probed, hit, ratio);
    }
    System.out.printf(Locale.ROOT, "%nUNPROBED/PROBED: ns per loop iteration (one call of the site; for libssl "
        + "one SSL_write plus the SSL_read of its 64 bytes); PER HIT = PROBED - UNPROBED (one entry and one "
        + "return probe); RATIO = PROBED / UNPROBED.%nEvents the return programs sent through the ring "
        + "buffer in the timed rounds: %,d (one per probed call: %,d).%n", emitted, expected);
  }

  /**
   * How x86-64 Linux 6.18 handles a probe on this first instruction (arch/x86/kernel/uprobes.c): push,
   * NOPs and relative branches are emulated; anything else is single-stepped out of line.
   */
  static String kind(String insn) {
    String t = insn.trim();
    return t.startsWith("push") || t.startsWith("nop") || t.endsWith(" rel32") || t.endsWith(" rel8")
        ? "emulated" : "single-stepped";
  }

  static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Drains the agent's ring buffer as its event pump would, counting records. */
  private static Thread drainer(RingBufferReader reader, AtomicBoolean running, AtomicLong events) {
    Thread t = new Thread(() -> {
      ByteBuffer batch = ByteBuffer.allocateDirect(1 << 20);
      while (running.get()) {
        events.addAndGet(reader.poll(batch, 100));
      }
    }, "uprobe-cost-drain");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
