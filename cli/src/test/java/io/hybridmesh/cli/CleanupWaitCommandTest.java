package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The uninstall hook's wait, against the stand-in API server: done when every node's cleanup pod is Ready. */
class CleanupWaitCommandTest {

  private final MockApi api = new MockApi();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @AfterEach
  void close() {
    api.close();
  }

  private static DaemonSet daemonSet(int scheduled, int ready) {
    return new DaemonSetBuilder().withNewMetadata().withNamespace("hm").withName("cleanup").withGeneration(1L)
        .endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "cleanup")).endSelector()
        .endSpec().withNewStatus().withObservedGeneration(1L).withDesiredNumberScheduled(scheduled)
        .withNumberReady(ready).endStatus().build();
  }

  private static Pod pod(String name, String node, boolean ready) {
    return new PodBuilder().withNewMetadata().withNamespace("hm").withName(name).withLabels(Map.of("app", "cleanup"))
        .endMetadata().withNewSpec().withNodeName(node).endSpec().withNewStatus().addNewCondition().withType("Ready")
        .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
  }

  private int run(Duration timeout) throws Exception {
    CleanupWaitCommand c = new CleanupWaitCommand();
    c.daemonSet = "cleanup";
    c.namespace = "hm";
    c.timeout = timeout;
    c.client = api.client;
    c.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    return c.call();
  }

  @Test
  void everyNodeCleanedEndsTheWait() throws Exception {
    api.client.apps().daemonSets().inNamespace("hm").resource(daemonSet(2, 2)).create();
    for (Pod p : List.of(pod("c-1", "node-a", true), pod("c-2", "node-b", true))) {
      api.client.pods().inNamespace("hm").resource(p).create();
    }
    assertEquals(0, run(Duration.ofSeconds(10)));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("ran on all 2 nodes"), out.toString());
  }

  @Test
  void aNodeNotDoneInTimeIsNamedAndTheUninstallGoesOn() throws Exception {
    api.client.apps().daemonSets().inNamespace("hm").resource(daemonSet(2, 1)).create();
    for (Pod p : List.of(pod("c-1", "node-a", true), pod("c-2", "node-b", false))) {
      api.client.pods().inNamespace("hm").resource(p).create();
    }
    long t0 = System.nanoTime();
    assertEquals(0, run(Duration.ofSeconds(2)), "never holds the uninstall");
    assertTrue(System.nanoTime() - t0 >= 1_900_000_000L, "waited its time");
    String e = err.toString(StandardCharsets.UTF_8);
    assertTrue(e.contains("1 of 2 nodes cleaned; not done on node-b"), e);
    assertTrue(e.contains("run 'hmesh agent --cleanup' as root"), e);
    assertFalse(out.toString(StandardCharsets.UTF_8).contains("ran on all"));
  }

  @Test
  void aStatusTheDaemonSetControllerHasNotWrittenYetIsNotDone() {
    DaemonSet fresh = daemonSet(0, 0);
    fresh.getMetadata().setGeneration(2L);
    assertFalse(NodeCleanupProgress.judge(fresh, List.of()).done(), "observedGeneration 1 < generation 2");
    assertFalse(NodeCleanupProgress.judge(null, List.of()).done());
    assertTrue(NodeCleanupProgress.judge(daemonSet(0, 0), List.of()).done(), "no node to clean");
  }

  @Test
  void withoutTheDaemonSetItSaysSo() throws Exception {
    assertEquals(0, run(Duration.ofSeconds(1)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("the DaemonSet hm/cleanup does not exist"),
        err.toString());
  }
}
