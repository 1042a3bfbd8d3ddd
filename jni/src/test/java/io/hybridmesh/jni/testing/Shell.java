package io.hybridmesh.jni.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs commands for tests ({@code ip netns add}, {@code ping}) with a timeout and their output kept. */
public final class Shell {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private Shell() {}

  /** The exit code and the merged stdout and stderr of a finished (or killed) command. */
  public record Result(List<String> command, int exitCode, String output, boolean timedOut) {
    public boolean ok() {
      return exitCode == 0 && !timedOut;
    }
  }

  /** Runs a command; throws with its output unless it exits 0 in time. Returns the output. */
  public static String run(String... command) {
    return run(DEFAULT_TIMEOUT, List.of(command));
  }

  public static String run(Duration timeout, List<String> command) {
    Result r = runUnchecked(timeout, command);
    if (!r.ok()) {
      throw new AssertionError(
          "command "
              + String.join(" ", command)
              + (r.timedOut() ? " timed out after " + timeout : " exited " + r.exitCode())
              + ":\n"
              + r.output());
    }
    return r.output();
  }

  /** Runs {@code sh -c script}. */
  public static String sh(String script) {
    return run(DEFAULT_TIMEOUT, List.of("sh", "-c", script));
  }

  /** Runs a command and reports what happened; for cleanup, where failing is no news. */
  public static Result runUnchecked(Duration timeout, List<String> command) {
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return new Result(command, -1, "cannot start: " + e.getMessage(), false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> copy(p.getInputStream(), out), "shell-output");
    pump.setDaemon(true);
    pump.start();
    try {
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      pump.join(2000);
      String text;
      synchronized (out) {
        text = out.toString(StandardCharsets.UTF_8);
      }
      return new Result(command, done ? p.exitValue() : -1, text, !done);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
