package io.hybridmesh.agent.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs many generated inputs through one target and fails with the seeds of the first findings: an
 * exception that escaped, a broken invariant (an AssertionError the check throws), or an input slower than
 * the limit. Each input has its own seed (printed with a finding), so any finding replays alone with
 * {@code -Dhmesh.fuzz.seed=SEED -Dhmesh.fuzz.scale=0} (one input).
 *
 * <p>Size: {@code hmesh.fuzz.scale} multiplies every campaign's count (1 in CI; the long mode of
 * {@code bench/fuzz.sh} uses more).
 */
public final class FuzzCampaign {

  /** One input: made from its own random source, then checked. */
  @FunctionalInterface
  public interface Input {
    void run(Random random) throws Exception;
  }

  private FuzzCampaign() {}

  public static int scaled(int count) {
    double scale = Double.parseDouble(System.getProperty("hmesh.fuzz.scale", "1"));
    return scale <= 0 ? 1 : (int) Math.max(1, Math.round(count * scale));
  }

  /** Runs {@code count} (scaled) inputs; each must finish within {@code maxMillis}. */
  public static void run(String name, int count, long maxMillis, Input input) {
    int n = scaled(count);
    String fixed = System.getProperty("hmesh.fuzz.seed");
    long base = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    List<String> findings = new ArrayList<>();
    long slowest = 0;
    long started = System.nanoTime();
    for (int i = 0; i < n && findings.size() < 5; i++) {
      long seed = fixed != null && i == 0 ? base : base + 0x9E3779B97F4A7C15L * i;
      long t0 = System.nanoTime();
      try {
        input.run(new Random(seed));
      } catch (AssertionError | Exception e) {
        findings.add("seed " + seed + ": " + e);
        continue;
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      slowest = Math.max(slowest, ms);
      if (ms > maxMillis) {
        findings.add("seed " + seed + ": took " + ms + " ms (limit " + maxMillis + " ms)");
      }
    }
    long total = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("fuzz %s: %d inputs in %d ms, slowest %d ms, %d findings%n", name, n, total, slowest,
        findings.size());
    if (!findings.isEmpty()) {
      fail(name + ": " + findings.size() + " findings (first ones):\n  " + String.join("\n  ", findings));
    }
  }

  /** Splits [0, length) into random call sizes: mostly small, sometimes one byte, sometimes large. */
  public static List<int[]> splits(Random r, int length) {
    List<int[]> out = new ArrayList<>();
    int at = 0;
    while (at < length) {
      int n = switch (r.nextInt(4)) {
        case 0 -> 1;
        case 1 -> 1 + r.nextInt(16);
        case 2 -> 1 + r.nextInt(512);
        default -> 1 + r.nextInt(8192);
      };
      n = Math.min(n, length - at);
      out.add(new int[] {at, n});
      at += n;
    }
    return out;
  }
}
