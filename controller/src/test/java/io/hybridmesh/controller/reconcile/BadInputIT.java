package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.facts.ClusterView;
import io.hybridmesh.controller.facts.FactGatherer;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.controller.status.WorkloadPlanner;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input never crashes the controller or churns pods: the report's Degraded condition and a Warning
 * Event say what is wrong and what to do.
 */
class BadInputIT {

  static MockCluster cluster;
  static HmeshOperator operator;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    cluster.node("good", "6.8.0-45-generic");
    cluster.nodeCapability("good", "6.8.0-45-generic", MockCluster.allFeatures());
    operator = HmeshOperator.start(cluster.client, MockCluster.operatorSettings());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
  }

  static Condition degraded(String ns, String name) {
    WorkloadCapability w = cluster.report(ns, name);
    if (w == null || w.getStatus() == null) {
      return null;
    }
    return w.getStatus().getConditions().stream().filter(c -> c.getType().equals("Degraded")).findFirst().orElse(null);
  }

  static void awaitDegraded(String ns, String name, String reason) {
    // Other tests' nodes may add their own problems (every node is a candidate): look for this one.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Condition c = degraded(ns, name);
      return c != null && "True".equals(c.getStatus()) && warnings(ns).stream().anyMatch(e -> reason.equals(
          e.getReason()) && c.getMessage().contains(e.getMessage()));
    });
    await().until(() -> warnings(ns).stream().anyMatch(e -> reason.equals(e.getReason())));
  }

  static List<Event> warnings(String ns) {
    return cluster.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType())).toList();
  }

  @Test
  void anUnknownModeKeepsTheLastDecisionAndThePods() {
    cluster.namespace("typo", true);
    cluster.pod("typo", "web", "good", Probes.jsse());
    cluster.deployment("typo", "web", Map.of());
    cluster.awaitPath("typo", "web", "SIDECAR");
    await().until(() -> WorkloadControllerIT.initContainers(cluster.get("typo", "web")).contains(SidecarInjector.PROXY));
    Object template = cluster.get("typo", "web").getSpec().getTemplate();
    cluster.client.apps().deployments().inNamespace("typo").withName("web").edit(d -> {
      d.getMetadata().getAnnotations().put(HybridMeshNames.MODE_ANNOTATION, "ebfp");
      return d;
    });
    awaitDegraded("typo", "web", "InvalidMode");
    WorkloadCapability w = cluster.report("typo", "web");
    assertEquals("SIDECAR", w.getStatus().getDataPath(), "the last decision stands");
    assertEquals(template, cluster.get("typo", "web").getSpec().getTemplate(), "no pod-template churn");
    assertTrue(degraded("typo", "web").getMessage().contains("not one of auto, ebpf, sidecar, off"));
    assertEquals("InvalidAnnotation", cluster.report("typo", "web").getStatus().getConditions().get(0).getReason());

    // A new workload with a typo gets no decision at all, and no sidecar.
    cluster.pod("typo", "fresh", "good", Probes.jsse());
    cluster.deployment("typo", "fresh", Map.of(HybridMeshNames.FALLBACK_ANNOTATION, "maybe"));
    awaitDegraded("typo", "fresh", "InvalidFallback");
    assertEquals("INVALID_ANNOTATION", cluster.report("typo", "fresh").getStatus().getReasons().get(0).getCode());
    assertEquals("PENDING", cluster.report("typo", "fresh").getStatus().getDataPath());
    assertTrue(WorkloadControllerIT.initContainers(cluster.get("typo", "fresh")).isEmpty());
  }

  @Test
  void aTlsProbeAtAMissingFileSaysSo() {
    cluster.namespace("custom", true);
    cluster.pod("custom", "app", "good", Probes.customTargetMissing("/usr/bin/app", "my_ssl_write"));
    cluster.deployment("custom", "app", Map.of(HybridMeshNames.TLS_PROBE_ANNOTATION, "/usr/bin/app:my_ssl_write"));
    awaitDegraded("custom", "app", "TlsProbeUnresolved");
    assertTrue(degraded("custom", "app").getMessage().contains("no such file in the container"));
    assertEquals("SIDECAR", cluster.report("custom", "app").getStatus().getDataPath());
  }

  @Test
  void aNodeCapabilityWithGarbageFallsBackToTheKernelVersion() {
    cluster.node("junk", "6.1.0-13-amd64");
    NodeCapability n = new NodeCapability();
    n.getMetadata().setName("junk");
    NodeCapabilitySpec spec = new NodeCapabilitySpec();
    spec.setKernelRelease("");
    spec.setFeatures(List.of("WARP_DRIVE", "??"));
    spec.setLastHeartbeat("yesterday");
    n.setSpec(spec);
    cluster.client.resource(n).create();
    cluster.namespace("junkns", true);
    cluster.pod("junkns", "svc", "junk", Probes.dynamicOpenSsl());
    cluster.deployment("junkns", "svc", Map.of());
    awaitDegraded("junkns", "svc", "UnreadableNodeCapability");
    WorkloadCapability w = cluster.report("junkns", "svc");
    assertTrue(w.getStatus().getNodes().stream().anyMatch(x -> x.getName().equals("junk") && x.getGuess()));
    assertTrue(w.getStatus().getReasons().stream().anyMatch(r -> r.getCode().equals("KERNEL_GUESS")));
  }

  @Test
  void aMalformedProbeAnnotationWaits() {
    cluster.namespace("malformed", true);
    cluster.pod("malformed", "svc", "good", "{not json");
    cluster.deployment("malformed", "svc", Map.of());
    awaitDegraded("malformed", "svc", "UnreadableProbeAnnotation");
    WorkloadCapability w = cluster.report("malformed", "svc");
    assertEquals("PENDING", w.getStatus().getDataPath());
    assertEquals("PROBE_PENDING", w.getStatus().getReasons().get(0).getCode());
  }

  @Test
  void annotationsInANewerFormatKeepTheLastDecisionAndSayWhy() {
    cluster.namespace("newer", true);
    cluster.pod("newer", "svc", "good", Probes.jsse());
    cluster.deployment("newer", "svc", Map.of());
    cluster.awaitPath("newer", "svc", "SIDECAR");
    await().until(() -> WorkloadControllerIT.initContainers(cluster.get("newer", "svc")).contains(SidecarInjector.PROXY));
    Object template = cluster.get("newer", "svc").getSpec().getTemplate();

    // A newer agent rewrites the pod's probe in a format version this controller does not read.
    cluster.client.pods().inNamespace("newer").withName("svc-0").edit(p -> {
      p.getMetadata().getAnnotations().put(HybridMeshNames.PROBE_ANNOTATION,
          "{\"formatVersion\":2,\"app\":{\"binary\":{\"path\":\"/usr/bin/java\"}}}");
      return p;
    });
    awaitDegraded("newer", "svc", "UnsupportedProbeAnnotationVersion");
    WorkloadCapability w = cluster.report("newer", "svc");
    assertEquals("SIDECAR", w.getStatus().getDataPath(), "the last decision stands, not one made on a guess");
    assertEquals("PROBE_FORMAT_UNSUPPORTED", w.getStatus().getReasons().get(0).getCode());
    assertTrue(w.getStatus().getReasons().get(0).getMessage().contains("format version 2"),
        w.getStatus().getReasons().get(0).getMessage());
    assertEquals(template, cluster.get("newer", "svc").getSpec().getTemplate(), "no pod-template churn");

    // A tls-probe written in a newer version: the same, for the knob.
    cluster.pod("newer", "fresh", "good", Probes.jsse());
    cluster.deployment("newer", "fresh", Map.of(HybridMeshNames.TLS_PROBE_ANNOTATION, "v2:/usr/bin/app:f"));
    awaitDegraded("newer", "fresh", "UnsupportedTlsProbeVersion");
    assertEquals("PENDING", cluster.report("newer", "fresh").getStatus().getDataPath());
    assertTrue(WorkloadControllerIT.initContainers(cluster.get("newer", "fresh")).isEmpty());
  }

  @Test
  void aWorkloadDeletedMidReconcileIsNoError() {
    cluster.namespace("gone", true);
    cluster.pod("gone", "short", "good", Probes.jsse());
    Deployment stale = cluster.deployment("gone", "short", Map.of(HybridMeshNames.MODE_ANNOTATION, "sidecar"));
    cluster.client.resource(stale).withTimeout(10, java.util.concurrent.TimeUnit.SECONDS).delete();
    WorkloadSync sync = new WorkloadSync(cluster.client, new FactGatherer(Fallback.SIDECAR),
        new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS), new SidecarInjector(SidecarConfig.defaults()),
        Clock.systemUTC());
    ClusterView view = new ClusterView() {
      public Optional<io.fabric8.kubernetes.api.model.Namespace> namespace(String name) {
        return Optional.ofNullable(cluster.client.namespaces().withName(name).get());
      }

      public List<io.fabric8.kubernetes.api.model.Pod> pods(String ns, io.fabric8.kubernetes.api.model.LabelSelector s) {
        return cluster.client.pods().inNamespace(ns).list().getItems();
      }

      public List<io.fabric8.kubernetes.api.model.Node> nodes() {
        return cluster.client.nodes().list().getItems();
      }

      public Optional<io.fabric8.kubernetes.api.model.Node> node(String name) {
        return Optional.ofNullable(cluster.client.nodes().withName(name).get());
      }

      public Optional<NodeCapability> nodeCapability(String node) {
        return Optional.ofNullable(cluster.client.resources(NodeCapability.class).withName(node).get());
      }
    };
    assertDoesNotThrow(() -> sync.sync(WorkloadKind.DEPLOYMENT, stale, view));
    assertNull(cluster.report("gone", "short"), "no report for a workload that is gone");
  }

  @Test
  void conflictsAndAnAbsentApiServerAreRetriedAndReported() {
    cluster.namespace("flaky", true);
    cluster.pod("flaky", "svc", "good", Probes.jsse());
    // The API server is away for the first reads of the report, then the first template writes conflict.
    cluster.server.expect().get().withPath("/apis/hybridmesh.io/v1alpha1/namespaces/flaky/workloadcapabilities/"
        + "deployment-svc").andReturn(503, new StatusBuilder().withCode(503).withMessage("the server is down")
        .build()).times(3);
    cluster.server.expect().patch().withPath("/apis/apps/v1/namespaces/flaky/deployments/svc")
        .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").withMessage("the object has been "
            + "modified").build()).times(2);
    cluster.deployment("flaky", "svc", Map.of());
    cluster.awaitPath("flaky", "svc", "SIDECAR");
    await().atMost(Duration.ofSeconds(60)).until(() -> WorkloadControllerIT.initContainers(cluster.get("flaky", "svc")).contains(SidecarInjector.PROXY));
    List<Event> failures = warnings("flaky").stream().filter(e -> "ReconcileFailed".equals(e.getReason())).toList();
    assertTrue(failures.size() >= 1 && failures.size() <= 5, failures.toString());
    assertTrue(failures.get(0).getMessage().contains("retries"), failures.get(0).getMessage());
    await().until(() -> !"ReconcileFailed".equals(degraded("flaky", "svc").getReason()));
  }
}
