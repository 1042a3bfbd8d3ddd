package io.hybridmesh.jni.testing;

import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Backs {@link KernelTest}: checks the machine once per JVM, then lets each class run, or skips or fails it
 * through {@link Requirements}.
 */
public final class KernelTestExtension implements BeforeAllCallback {

  static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
  static final Path TRACEFS = Path.of("/sys/kernel/tracing");

  private static Optional<String> problem;

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<String> why = problem();
    Requirements.require(why.isEmpty(), context.getDisplayName() + " needs the kernel: " + why.orElse(""));
  }

  /** Why kernel tests cannot run here, or empty when they can. */
  public static synchronized Optional<String> problem() {
    if (problem == null) {
      problem = Optional.ofNullable(check());
    }
    return problem;
  }

  private static String check() {
    long uid = uid();
    if (uid != 0) {
      return "needs root: running as uid " + uid;
    }
    Bpf bpf;
    try {
      bpf = NativeBpf.load();
    } catch (Throwable e) {
      return "libhmjni does not load: " + e;
    }
    Bpf.Support socketFilter = bpf.probeProgramType(BPF_PROG_TYPE_SOCKET_FILTER);
    if (socketFilter != Bpf.Support.YES) {
      return "BPF does not work: probing BPF_PROG_TYPE_SOCKET_FILTER answered " + socketFilter;
    }
    return ensureTracefs();
  }

  /**
   * Tracepoint attach reads event ids from tracefs, which a fresh machine may not have mounted. Mounting
   * it is a test-side convenience; production code leaves the host's mounts alone.
   */
  private static String ensureTracefs() {
    if (Files.isDirectory(TRACEFS.resolve("events"))) {
      return null;
    }
    Shell.Result r =
        Shell.runUnchecked(
            Duration.ofSeconds(10), List.of("mount", "-t", "tracefs", "tracefs", TRACEFS.toString()));
    if (!Files.isDirectory(TRACEFS.resolve("events"))) {
      return "tracefs is not mounted at " + TRACEFS + " and mounting it failed: " + r.output();
    }
    return null;
  }

  /** The real uid from /proc, which needs no extra JDK module. */
  static long uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
