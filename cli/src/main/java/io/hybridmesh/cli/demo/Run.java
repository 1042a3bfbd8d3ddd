package io.hybridmesh.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system tools the demo is made of (ip, openssl, nginx, ...), with a time limit. */
final class Run {

  private Run() {}

  /** The command's stdout; a {@link DemoException} with its stderr when it fails. */
  static String check(String... command) {
    Result r = quiet(command);
    if (r.exit != 0) {
      throw new DemoException("'" + String.join(" ", command) + "' failed (exit " + r.exit + "): "
          + r.err.strip());
    }
    return r.out;
  }

  /** Runs the command; failures are the caller's to judge. */
  static Result quiet(String... command) {
    try {
      Path err = Files.createTempFile("hmesh-demo", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, new String(out, StandardCharsets.UTF_8), "timed out after 30s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new DemoException("cannot run '" + command[0] + "': " + e.getMessage()
          + "; scripts/install-deps.sh installs what the demo needs");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException("interrupted while running '" + String.join(" ", command) + "'");
    }
  }

  /**
   * Starts a long-running process inside a network namespace, its output into a log file. The process dies with
   * the demo, however the demo ends: util-linux's setpriv gives it a parent-death signal (SIGKILL) before it
   * becomes the workload ({@code ip netns exec} and setpriv both exec in place, so the pid is the workload's).
   * The parent is the thread that starts it, so callers start workloads from the demo's main thread, which
   * lives as long as the demo.
   */
  static Process inNamespace(String netns, Path log, List<String> command) {
    List<String> full = new ArrayList<>(Arrays.asList("ip", "netns", "exec", netns, "setpriv", "--pdeathsig",
        "KILL", "--"));
    full.addAll(command);
    try {
      return new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new DemoException("cannot start '" + command.get(0) + "' in " + netns + ": " + e.getMessage());
    }
  }

  record Result(int exit, String out, String err) {}
}
