package io.hybridmesh.bench;

import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * In-JVM timing of the binary prober (issue 4), run by bench/probe-scan.sh in a fresh JVM each time.
 *
 * <pre>
 * ProbeScan scan          every /proc pid, with one BinaryProber: pass 1 (fresh JVM: JIT and cache cold),
 *                         pass 2 (same prober: cache warm), pass 3 (a new prober in the now-warm JVM: cache
 *                         cold, JIT warm: a long-running agent meeting new binaries)
 * ProbeScan file PATH [N] one large file: first probe in the fresh JVM, then N cold (cache invalidated) and
 *                         200 cached probes
 * </pre>
 *
 * Prints "RESULT key=value" lines for the script. "Cold" is the prober's cache; the files stay in the page
 * cache (dropping it would disturb the rest of the host).
 */
public final class ProbeScan {

  private ProbeScan() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("scan")) {
      scan();
    } else if (args.length >= 2 && args[0].equals("file")) {
      file(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 7);
    } else {
      System.err.println("usage: ProbeScan scan | file PATH [RUNS]");
      System.exit(2);
    }
  }

  private static List<Integer> pids() throws IOException {
    List<Integer> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
          .forEach(n -> out.add(Integer.parseInt(n)));
    }
    out.sort(null);
    return out;
  }

  private record Pass(double ms, int ok, int errors, Map<String, Integer> libraries) {}

  private static Pass pass(BinaryProber prober, List<Integer> pids) {
    long t0 = System.nanoTime();
    int ok = 0;
    int errors = 0;
    Map<String, Integer> libs = new java.util.TreeMap<>();
    for (int pid : pids) {
      ProbeResult r = prober.probeProcess(pid);
      if (r.ok()) {
        ok++;
        libs.merge(r.library().name(), 1, Integer::sum);
      } else {
        errors++; // kernel threads (no executable) and processes that exited meanwhile
      }
    }
    return new Pass((System.nanoTime() - t0) / 1e6, ok, errors, libs);
  }

  private static void scan() throws IOException {
    List<Integer> pids = pids();
    BinaryProber prober = new BinaryProber();
    Pass cold = pass(prober, pids);
    Pass cached = pass(prober, pids);
    Pass coldWarmJit = pass(new BinaryProber(), pids);
    System.out.printf("RESULT pids=%d%n", pids.size());
    System.out.printf("RESULT analysed=%d%n", cold.ok());
    System.out.printf("RESULT errors=%d%n", cold.errors());
    System.out.printf("RESULT libraries=%s%n", cold.libraries().toString().replace(" ", ""));
    System.out.printf("RESULT scan_cold_ms=%.1f%n", cold.ms());
    System.out.printf("RESULT scan_cached_ms=%.1f%n", cached.ms());
    System.out.printf("RESULT scan_cold_warmjit_ms=%.1f%n", coldWarmJit.ms());
  }

  private static void file(Path path, int runs) {
    BinaryProber prober = new BinaryProber();
    long t0 = System.nanoTime();
    ProbeResult first = prober.probeFile(path);
    double firstMs = (System.nanoTime() - t0) / 1e6;
    double[] cold = new double[runs];
    for (int i = 0; i < runs; i++) {
      prober.invalidateAll();
      long t = System.nanoTime();
      prober.probeFile(path);
      cold[i] = (System.nanoTime() - t) / 1e6;
    }
    prober.probeFile(path);
    double[] cached = new double[200];
    for (int i = 0; i < cached.length; i++) {
      long t = System.nanoTime();
      prober.probeFile(path);
      cached[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(cold);
    Arrays.sort(cached);
    System.out.printf("RESULT file=%s%n", path);
    System.out.printf("RESULT size_mb=%d%n", sizeMb(path));
    System.out.printf("RESULT library=%s%n", first.ok() ? first.library() + "/" + first.linkage() : first.error());
    System.out.printf("RESULT file_first_ms=%.1f%n", firstMs);
    System.out.printf("RESULT file_cold_ms=%.1f%n", cold[runs / 2]);
    System.out.printf("RESULT file_cached_ms=%.4f%n", cached[cached.length / 2]);
    System.out.printf("RESULT file_cached_p99_ms=%.4f%n", cached[cached.length * 99 / 100]);
  }

  private static long sizeMb(Path p) {
    try {
      return Files.size(p) >> 20;
    } catch (IOException e) {
      return -1;
    }
  }
}
