package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.TcHook.Direction;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import io.hybridmesh.jni.testing.TcPrograms;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of {@code hmesh demo} at random moments of its start-up and while it runs: its workloads die
 * with it (they carry a parent-death signal), no program of ours stays on any of its interfaces (tcx links go
 * with the process), and what is left (namespaces, the host's link) is taken over by the next demo, which
 * starts with exactly one set and leaves nothing when stopped.
 */
@KernelTest
class DemoCrashKernelIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));
  private static final String PREFIX = "hm-demo-";
  private static final int KILL_POINTS = 5;

  private final List<Process> processes = new ArrayList<>();
  private Path work;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory("hm-demo-crash-it");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
  }

  @Test
  void sigkillAtAnyMomentLeavesNoWorkloadOrProgramAndTheNextDemoOwnsOneSet() throws Exception {
    long started = System.nanoTime();
    Process first = demo("first");
    awaitRunning(first, "first");
    long startupMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(2, workloadsWithPrograms(), "frontend and backend (the eBPF workloads) have the TC programs");
    kill(first, "when running");

    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < KILL_POINTS; i++) {
      // Three points in start-up (network, workloads, probes, attaching), two while it runs.
      long at = i < 3 ? random.nextLong(startupMs + 1) : startupMs + random.nextLong(3000);
      Process p = demo("kill-" + i);
      Thread.sleep(at);
      kill(p, "at " + at + " ms (start-up took " + startupMs + " ms, seed " + seed + ")");
    }

    Process last = demo("last");
    awaitRunning(last, "last");
    assertEquals(2, workloadsWithPrograms(), "exactly one set: " + read("last.err"));
    last.destroy();
    assertTrue(last.waitFor(60, TimeUnit.SECONDS), "SIGTERM stops the demo");
    assertEquals(List.of(), demoNamespaces(), "a clean stop leaves no namespace: " + read("last.err"));
    assertTrue(Shell.runUnchecked(Duration.ofSeconds(10), List.of("ip", "link", "show", PREFIX + "host"))
        .exitCode() != 0, "no link of the demo's in the host's network");
  }

  private Process demo(String name) throws IOException {
    int server;
    try (ServerSocket s = new ServerSocket(0)) {
      server = s.getLocalPort();
    }
    Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "demo", "--server", "127.0.0.1:" + server,
        "--metrics", "none", "--pause", "0.2", "--state-dir", work.resolve("state").toString())
        .redirectOutput(work.resolve(name + ".out").toFile()).redirectError(work.resolve(name + ".err").toFile())
        .start();
    processes.add(p);
    return p;
  }

  private void awaitRunning(Process p, String name) {
    await().atMost(Duration.ofSeconds(120)).until(() -> read(name + ".out").contains("Ctrl-C stops the demo")
        || !p.isAlive());
    assertTrue(p.isAlive(), () -> name + " runs: " + read(name + ".err"));
  }

  /** SIGKILL, then: no process in any namespace of the demo's, and no program of ours on their interfaces. */
  private void kill(Process demo, String when) throws Exception {
    demo.destroyForcibly();
    assertTrue(demo.waitFor(20, TimeUnit.SECONDS), "the demo died " + when);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (String ns : demoNamespaces()) {
        assertEquals("", Shell.run("ip", "netns", "pids", ns).strip(), "a process still runs in " + ns + " after "
            + "SIGKILL " + when);
      }
    });
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertEquals(0, workloadsWithPrograms(), "programs of ours after SIGKILL " + when));
  }

  /** Namespaces of the demo's whose eth0 carries a program of ours, either way. */
  private static int workloadsWithPrograms() {
    int n = 0;
    for (String ns : demoNamespaces()) {
      Path path = Path.of("/run/netns", ns);
      boolean has = false;
      for (Direction d : Direction.values()) {
        try {
          has |= !TcPrograms.ours(path, "eth0", d).isEmpty();
        } catch (RuntimeException noSuchInterface) {
          // the hub has no eth0; a namespace half made by a killed start-up may have none yet
        }
      }
      n += has ? 1 : 0;
    }
    return n;
  }

  private static List<String> demoNamespaces() {
    return Shell.run("ip", "netns", "list").lines().map(l -> l.strip().split("\\s+")[0])
        .filter(n -> n.startsWith(PREFIX)).sorted().toList();
  }

  private String read(String file) {
    try {
      return Files.readString(work.resolve(file));
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
