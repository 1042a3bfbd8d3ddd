package io.hybridmesh.bench;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.PlaintextDatapath;
import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.RingBufferReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the plaintext socket hooks add to one syscall, for each way of hooking (run by
 * bench/syscall-hooks.sh as root): the socket tracepoints ({@code sock_recv_length}/{@code sock_send_length},
 * the agent's choice on Linux 6.3+), the raw {@code sys_enter}/{@code sys_exit} pair that switches on the
 * syscall number (older kernels), and a program on each read and write syscall's own tracepoints. The agent's tc_flow
 * anchor (ring buffer, counters) and {@code sock_plain} object are loaded as the agent loads them, the
 * benchmark's first namespace watched, the ring buffer drained as the agent's pump would.
 *
 * <p>Two copies of the driver (bench/syscall-cost-driver.c) run, one in the watched namespace and one in an
 * unwatched one. Each round times every loop in both copies with nothing attached, then with each set of
 * hooks attached (the order rotated from round to round); the cost is the difference per syscall, the
 * median over rounds.
 *
 * <pre>
 * SyscallHookCostBench DRIVER WATCHED_NETNS OTHER_NETNS ROUNDS CALLS
 * </pre>
 */
public final class SyscallHookCostBench {

  private enum Variant { NONE, SOCKET_TRACEPOINTS, RAW_SYSCALLS, PER_SYSCALL }

  /** A loop of the driver, and the syscalls one iteration makes. */
  private record Loop(String command, int syscalls, String what) {}

  private static final List<Loop> LOOPS = List.of(
      new Loop("getppid", 1, "getppid (a syscall the hooks do not read)"),
      new Loop("pipe", 2, "write+read on a pipe (not a socket)"),
      new Loop("tcp", 2, "write+read on TCP (the whole path)"));

  private SyscallHookCostBench() {}

  public static void main(String[] a) throws Exception {
    if (a.length != 5) {
      System.err.println("usage: SyscallHookCostBench DRIVER WATCHED_NETNS OTHER_NETNS ROUNDS CALLS");
      System.exit(2);
    }
    int rounds = Integer.parseInt(a[3]);
    int calls = Integer.parseInt(a[4]);
    Bpf bpf = NativeBpf.load();
    TcSettings settings = TcSettings.defaults();
    long watchedInode = (Long) Files.getAttribute(Path.of("/run/netns", a[1]), "unix:ino");
    AtomicBoolean draining = new AtomicBoolean(true);
    AtomicLong events = new AtomicLong();
    byte[] elf = BpfObjects.load(BpfObjects.SOCK_PLAIN);
    try (TcDatapath tc = new TcDatapath(bpf, settings);
        PlaintextDatapath raw = new PlaintextDatapath(bpf, elf, tc.output(), Map.of(),
            PlaintextDatapath.Hooks.RAW_SYSCALLS);
        PlaintextDatapath per = new PlaintextDatapath(bpf, elf, tc.output(), Map.of(),
            PlaintextDatapath.Hooks.PER_SYSCALL);
        PlaintextDatapath sock = new PlaintextDatapath(bpf, elf, tc.output(), Map.of(),
            PlaintextDatapath.Hooks.SOCKET_TRACEPOINTS);
        Driver watched = new Driver(a[0], a[1]);
        Driver other = new Driver(a[0], a[2])) {
      raw.watchNetns(watchedInode, 1);
      per.watchNetns(watchedInode, 1);
      sock.watchNetns(watchedInode, 1);
      Thread drain = drainer(tc.events(), draining, events);
      Map<Variant, PlaintextDatapath> hooks = new EnumMap<>(Map.of(Variant.RAW_SYSCALLS, raw,
          Variant.PER_SYSCALL, per, Variant.SOCKET_TRACEPOINTS, sock));
      // [variant][loop][watched?] -> ns per iteration, one per round
      Map<String, List<Double>> samples = new LinkedHashMap<>();
      for (Driver d : List.of(watched, other)) {
        for (Loop l : LOOPS) {
          d.run(l.command(), calls / 10); // warm-up: page faults, socket buffers
        }
      }
      Variant[] order = Variant.values();
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < order.length; i++) {
          Variant v = order[(i + r) % order.length];
          PlaintextDatapath h = hooks.get(v);
          if (h != null) {
            h.attach();
          }
          try {
            for (Loop l : LOOPS) {
              samples.computeIfAbsent(key(v, l, true), k -> new ArrayList<>())
                  .add(watched.run(l.command(), calls) / (double) calls);
              samples.computeIfAbsent(key(v, l, false), k -> new ArrayList<>())
                  .add(other.run(l.command(), calls) / (double) calls);
            }
          } finally {
            if (h != null) {
              h.detach();
            }
          }
        }
      }
      Thread.sleep(300);
      print(samples, rounds, calls, events.get());
      draining.set(false);
      tc.events().wakeup();
      drain.join(2000);
    }
  }

  private static String key(Variant v, Loop l, boolean watched) {
    return v + "/" + l.command() + "/" + watched;
  }

  private static void print(Map<String, List<Double>> samples, int rounds, int calls, long events) {
    System.out.printf(Locale.ROOT, "%nWhat the plaintext socket hooks add per syscall; medians of %d rounds of "
        + "%,d loop iterations, every loop timed with nothing attached in the same round.%n%n", rounds, calls);
    System.out.printf(Locale.ROOT, "%-44s %-10s %11s %11s %11s %11s %11s %11s %11s%n", "LOOP", "NAMESPACE",
        "NO HOOKS", "SOCKET", "+/SYSCALL", "RAW", "+/SYSCALL", "PER-SYSCALL", "+/SYSCALL");
    for (Loop l : LOOPS) {
      for (boolean w : new boolean[] {true, false}) {
        double[] none = values(samples.get(key(Variant.NONE, l, w)));
        double[] raw = values(samples.get(key(Variant.RAW_SYSCALLS, l, w)));
        double[] per = values(samples.get(key(Variant.PER_SYSCALL, l, w)));
        double[] sock = values(samples.get(key(Variant.SOCKET_TRACEPOINTS, l, w)));
        System.out.printf(Locale.ROOT, "%-44s %-10s %8.0f ns %8.0f ns %8.1f ns %8.0f ns %8.1f ns %8.0f ns %8.1f ns%n",
            l.what(), w ? "watched" : "unwatched", median(none), median(sock), added(sock, none, l.syscalls()),
            median(raw), added(raw, none, l.syscalls()), median(per), added(per, none, l.syscalls()));
      }
    }
    System.out.printf(Locale.ROOT, "%nns per loop iteration (one syscall for getppid, two for the others); "
        + "+/SYSCALL = (with hooks - without) / syscalls, the median of the per-round differences.%n"
        + "Records the hooks sent through the ring buffer: %,d.%n", events);
  }

  private static double[] values(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double added(double[] with, double[] without, int syscalls) {
    double[] d = new double[with.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = (with[i] - without[i]) / syscalls;
    }
    return median(d);
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static Thread drainer(RingBufferReader reader, AtomicBoolean running, AtomicLong events) {
    Thread t = new Thread(() -> {
      ByteBuffer batch = ByteBuffer.allocateDirect(1 << 20);
      while (running.get()) {
        events.addAndGet(reader.poll(batch, 100));
      }
    }, "syscall-hooks-drain");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** One copy of the driver in a network namespace, answering one command at a time. */
  private static final class Driver implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final PrintWriter in;

    Driver(String binary, String netns) throws IOException {
      process = new ProcessBuilder("ip", "netns", "exec", netns, binary)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
      String ready = out.readLine();
      if (ready == null || !ready.startsWith("ready ")) {
        throw new IllegalStateException("the driver did not start in " + netns + ": " + ready);
      }
    }

    long run(String command, int n) throws IOException {
      in.println(command + " " + n);
      String line = out.readLine();
      if (line == null || line.startsWith("error")) {
        throw new IllegalStateException("driver on '" + command + "': " + line);
      }
      return Long.parseLong(line.trim());
    }

    @Override
    public void close() {
      in.println("quit");
      process.destroy();
    }
  }
}
