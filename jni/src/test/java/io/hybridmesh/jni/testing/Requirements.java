package io.hybridmesh.jni.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a test says what the machine must give it (root, BPF, a cgroup v2 mount, gcc, go, openssl, a
 * system library...). A missing requirement skips the test with the reason, or fails it when the system
 * property {@code hmesh.requireKernel} is {@code true}: CI sets it, and there a skipped test would be a
 * test that passed without running. Whatever CI needs, scripts/install-deps.sh installs and
 * scripts/prepare-kernel.sh mounts; a requirement they cannot meet belongs in them, not in a skip.
 *
 * <p>Tests never call JUnit's {@code Assumptions} themselves; everything goes through here.
 */
public final class Requirements {

  /** The system property (set from Maven's property of the same name) that turns skips into failures. */
  public static final String REQUIRE_PROPERTY = "hmesh.requireKernel";

  private static final String INSTALLED_BY = "; scripts/install-deps.sh installs it";

  private Requirements() {}

  /** True when a missing requirement must fail the test instead of skipping it (CI). */
  public static boolean mustRun() {
    return Boolean.getBoolean(REQUIRE_PROPERTY);
  }

  /** Skips the calling test with {@code reason} unless {@code met}; fails it instead under the property. */
  public static void require(boolean met, String reason) {
    require(met, reason, mustRun());
  }

  /** As {@link #require(boolean, String)}, with the property's value given: testable without touching it. */
  static void require(boolean met, String reason, boolean mustRun) {
    if (met) {
      return;
    }
    if (mustRun) {
      Assertions.fail(reason + " (and -D" + REQUIRE_PROPERTY + "=true forbids skipping)");
    }
    Assumptions.abort(reason);
  }

  /** A command on the PATH (gcc, go, strip, openssl, nginx, python3...). */
  public static void requireTool(String tool) {
    require(onPath(tool), tool + " is not installed" + INSTALLED_BY);
  }

  /** A file the machine must have (a system library, a binary from a package). */
  public static void requireFile(Path file) {
    require(Files.isRegularFile(file), file + " is not installed" + INSTALLED_BY);
  }

  /** Whether {@code tool} is an executable file in a directory of the PATH. */
  public static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }
}
