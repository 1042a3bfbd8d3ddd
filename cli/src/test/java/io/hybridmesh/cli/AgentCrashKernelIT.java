package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.jni.TcHook.Direction;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import io.hybridmesh.jni.testing.TcPrograms;
import io.hybridmesh.jni.testing.TestNetns;
import java.io.IOException;
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
 * {@code kill -9} of the agent at any moment of its start-up and of its steady state: nothing of ours keeps
 * running on the node (tcx links go with the process), and where legacy filters stay (kernels without tcx),
 * the next agent takes them over or {@code hmesh agent --cleanup} removes them.
 */
@KernelTest
class AgentCrashKernelIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));
  private static final int KILL_POINTS = 20;

  private final List<Process> processes = new ArrayList<>();
  private TestNetns client;
  private TestNetns server;
  private Path work;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory("hm-crash-it");
    client = TestNetns.create("hmkc");
    server = TestNetns.create("hmks");
    TestNetns.vethPair(client, "eth0", "10.236.0.1/24", server, "eth0", "10.236.0.2/24");
    Files.writeString(work.resolve("index.html"), "crash test\n");
    start(List.of("ip", "netns", "exec", server.name(), "python3", "-m", "http.server", "8000", "--bind",
        "10.236.0.2", "--directory", work.toString()), work.resolve("server.log"));
    // Traffic all along, so that the agent is killed while it handles events too.
    start(List.of("ip", "netns", "exec", client.name(), "sh", "-c",
        "while true; do curl -s -o /dev/null http://10.236.0.2:8000/index.html; sleep 0.05; done"),
        work.resolve("client.log"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    client.close();
    server.close();
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
  }

  @Test
  void sigkillAtAnyMomentLeavesNothingOfOursRunning() throws Exception {
    Process first = agent("first");
    long started = System.nanoTime();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(err("first")).contains("observing"));
    long startupMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals(List.of("tcx:hm_tc_ingress"), ours(server, Direction.INGRESS), "attached through tcx here");
    kill(first, "first");

    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int i = 0; i < KILL_POINTS; i++) {
      // Twelve points in start-up (JVM start, probing, loading, attaching), eight in steady state.
      long at = i < 12 ? random.nextLong(startupMs + 1) : startupMs + random.nextLong(3000);
      String run = "kill-" + i;
      Process p = agent(run);
      Thread.sleep(at);
      kill(p, run + " at " + at + " ms (start-up took " + startupMs + " ms, seed " + seed + ")");
    }
  }

  @Test
  void legacyLeftoversAreTakenOverByTheNextAgentOrCleanedUp() throws Exception {
    Process legacy = agent("legacy", "--tc-attach", "legacy");
    awaitObserving("legacy");
    legacy.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    assertEquals(List.of("tc:hm_tc_ingress"), ours(server, Direction.INGRESS),
        "netlink filters outlive a killed agent: that is why tcx is preferred");

    Process next = agent("next");
    awaitObserving("next");
    assertEquals(List.of("tcx:hm_tc_ingress"), ours(server, Direction.INGRESS), "exactly one set: the new one");
    assertEquals(List.of("tcx:hm_tc_egress"), ours(client, Direction.EGRESS));
    assertTrue(Files.readString(err("next")).contains("Removed the legacy TC filter an earlier run left"));
    kill(next, "the agent that took over");

    Process again = agent("again", "--tc-attach", "legacy");
    awaitObserving("again");
    again.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    Shell.Result cleanup = Shell.runUnchecked(Duration.ofSeconds(120),
        List.of("java", "-jar", JAR.toString(), "agent", "--cleanup"));
    assertEquals(0, cleanup.exitCode(), cleanup.output());
    assertTrue(cleanup.output().contains("removed the legacy TC filter on eth0 ingress"), cleanup.output());
    for (TestNetns ns : List.of(client, server)) {
      for (Direction d : Direction.values()) {
        assertEquals(List.of(), ours(ns, d), ns.name() + " " + d + ": " + cleanup.output());
      }
    }
    Shell.Result twice = Shell.runUnchecked(Duration.ofSeconds(120),
        List.of("java", "-jar", JAR.toString(), "agent", "--cleanup"));
    assertTrue(twice.output().contains("nothing of a previous agent was left"), twice.output());
  }

  private void awaitObserving(String run) {
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(err(run)).contains("observing"));
  }

  /** SIGKILL, then the node: no program of ours on any hook of the two namespaces. */
  private void kill(Process agent, String when) throws Exception {
    agent.destroyForcibly();
    assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent died: " + when);
    for (TestNetns ns : List.of(client, server)) {
      for (Direction d : Direction.values()) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertEquals(List.of(), ours(ns, d), "after SIGKILL " + when + ", on " + ns.name() + " " + d));
      }
    }
  }

  private static List<String> ours(TestNetns ns, Direction d) {
    return TcPrograms.ours(ns.path(), "eth0", d);
  }

  private Path err(String run) {
    return work.resolve(run + ".err");
  }

  private Process agent(String run, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR.toString(), "agent", "--standalone",
        "--netns", client.name(), "--netns", server.name(), "--print", "jsonl"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
        .redirectOutput(work.resolve(run + ".out").toFile()).redirectError(err(run).toFile());
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private Process start(List<String> command, Path log) throws IOException {
    Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }
}
