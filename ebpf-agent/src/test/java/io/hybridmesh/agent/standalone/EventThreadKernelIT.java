package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.EventThreadPriority;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's event thread as the kernel schedules it: SCHED_IDLE by default (--event-thread yield), with the
 * JIT compiler threads and nothing else, normal
 * with --event-thread normal, and flows still complete while normal threads keep every CPU busy (the
 * watcher raises a thread that gets no turn). Read from /proc/self/task, the kernel's own account.
 */
@KernelTest
class EventThreadKernelIT {

  private static final int SCHED_OTHER = 0;
  private static final int SCHED_IDLE = 5;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private final AtomicBoolean spinning = new AtomicBoolean();
  private final List<Thread> spinners = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    hosts.startNginx(100);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    spinning.set(false);
    for (Thread t : spinners) {
      t.join();
    }
    if (agent != null) {
      agent.close();
    }
    hosts.close();
  }

  private CollectingSink startAgent(EventThreadPriority priority) {
    CollectingSink sink = new CollectingSink(0);
    TcSettings tc = new TcSettings(1 << 20, 4096, Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(2)).withEventThread(priority);
    agent = new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "test-node", tc, Duration.ofMillis(500), true,
        Map.of()), sink);
    agent.start();
    return sink;
  }

  /** This JVM's threads by name (as the kernel keeps it: 15 characters) and their scheduling policy. */
  private static Map<String, Integer> policies() throws IOException {
    Map<String, Integer> byName = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int policy = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[41 - 3]);
          byName.merge(Files.readString(task.resolve("comm")).strip(), policy, Math::max);
        } catch (IOException ended) {
          // a thread that ended while we looked: its directory is gone (NoSuchFileException), or its files
          // still open but their read fails with ESRCH ("No such process", seen once in CI)
        }
      }
    }
    return byName;
  }

  private static int policyOf(String threadName) throws IOException {
    Integer p = policies().get(threadName.substring(0, Math.min(15, threadName.length())));
    if (p == null) {
      throw new AssertionError("no thread named " + threadName);
    }
    return p;
  }

  private void curl(int times) {
    hosts.client.exec(Duration.ofSeconds(60), "sh", "-c", "for i in $(seq " + times + "); do curl -s -o /dev/null http://"
        + TwoHosts.SERVER_V4 + ":8080/file; done");
  }

  private static Predicate<Flow> closedTo8080() {
    return f -> f.getConnection().getState() == ConnectionState.CLOSED
        && f.getL4().getTcp().getDestinationPort() == 8080;
  }

  @Test
  void byDefaultTheEventThreadAloneYieldsAndFlowsStillArrive() throws IOException {
    hosts.startTlsNginx();
    CollectingSink sink = startAgent(EventThreadPriority.YIELD);
    curl(3);
    await().atMost(WAIT).until(() -> sink.flows(closedTo8080()).size() == 6);
    // HTTPS: the TLS libraries' process events arrive on the event thread and are handed to a worker, which
    // must not have been started by (and inherited SCHED_IDLE from) it.
    await().atMost(WAIT).untilAsserted(() -> {
      hosts.client.exec(Duration.ofSeconds(20), "curl", "-sk", "-o", "/dev/null",
          "https://" + TwoHosts.SERVER_V4 + ":8443/ok");
      assertFalse(sink.flows(f -> f.getType() == FlowType.L7).isEmpty(), "an L7 flow of the HTTPS request");
    });
    Map<String, Integer> policies = policies();
    assertEquals(SCHED_IDLE, policies.get("hmesh-agent-eve"), policies::toString);
    assertEquals(SCHED_OTHER, policies.get("hmesh-event-wat"), "the watcher must run when the event thread cannot: "
        + policies);
    assertEquals(SCHED_OTHER, policies.get("hmesh-tls-proce"), policies::toString);
    assertEquals(SCHED_IDLE, policies.get("C2 CompilerThre"), "the JIT compilers yield with it: " + policies);
    assertEquals(SCHED_OTHER, policies.get("GC Thread#0"), "a stretched stop-the-world pause stops the watcher too");
    assertEquals(SCHED_OTHER, policies.get("VM Thread"), policies::toString);
    assertEquals(java.util.Set.of("hmesh-agent-eve", "C1 CompilerThre", "C2 CompilerThre"),
        policies.entrySet().stream().filter(e -> e.getValue() == SCHED_IDLE).map(Map.Entry::getKey)
            .collect(java.util.stream.Collectors.toSet()), () -> "only these yield: " + policies);
    assertEquals(1L, agent.counters().get("event thread yielding (SCHED_IDLE)"));
    assertTrue(agent.counters().get("JIT compiler threads yielding with it") >= 2, agent.counters()::toString);
  }

  @Test
  void normalKeepsItAtNormalPriority() throws IOException {
    CollectingSink sink = startAgent(EventThreadPriority.NORMAL);
    curl(1);
    await().atMost(WAIT).until(() -> sink.flows(closedTo8080()).size() == 2);
    assertEquals(SCHED_OTHER, policyOf("hmesh-agent-events"));
    assertEquals(0L, agent.counters().get("event thread yielding (SCHED_IDLE)"));
  }

  @Test
  void cpusKeptBusyByNormalThreadsDelayFlowsButLoseNone() {
    CollectingSink sink = startAgent(EventThreadPriority.YIELD);
    spinning.set(true);
    for (int i = 0; i < Runtime.getRuntime().availableProcessors() + 1; i++) {
      Thread t = new Thread(() -> {
        long x = 0;
        while (spinning.get()) {
          x += System.nanoTime();
        }
        if (x == 42) {
          System.out.print("");
        }
      }, "test-spinner-" + i);
      t.start();
      spinners.add(t);
    }
    int connections = 20;
    curl(connections);
    await().atMost(WAIT).until(() -> sink.flows(closedTo8080()).size() == 2 * connections);
    assertEquals(0L, agent.counters().get("events lost (ring buffer full)"), agent.counters()::toString);
    System.out.println("event thread under busy CPUs: " + agent.counters());
  }
}
