package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeStatus;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mixed kernels, against the mock API server with a real Operator: two nodes that can read TLS, one that sees
 * only connections, one no agent has reported on. Without a placement the weakest decides; with required
 * affinity only the nodes it admits count; with prefer-capable the capable nodes decide, the template prefers
 * them, and a pod elsewhere is named in the report.
 */
class PlacementIT {

  static MockCluster cluster;
  static HmeshOperator operator;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    cluster.node("new-1", "6.8.0-45-generic", Map.of("tier", "new"));
    cluster.node("new-2", "6.8.0-45-generic", Map.of("tier", "new"));
    cluster.node("old-1", "5.4.0-150-generic", Map.of("tier", "old"));
    cluster.node("guess-1", "6.8.0-45-generic", Map.of("tier", "old"));
    cluster.nodeCapability("new-1", "6.8.0-45-generic", MockCluster.allFeatures());
    cluster.nodeCapability("new-2", "6.8.0-45-generic", MockCluster.allFeatures());
    cluster.nodeCapability("old-1", "5.4.0-150-generic", "TC_BPF", "RINGBUF");
    operator = HmeshOperator.start(cluster.client, MockCluster.operatorSettings());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
  }

  static String label(String node) {
    Node n = cluster.client.nodes().withName(node).get();
    return n.getMetadata().getLabels() == null ? null : n.getMetadata().getLabels().get(HybridMeshNames.TLS_CAPABLE_LABEL);
  }

  static List<String> codes(WorkloadCapability w) {
    return w.getStatus().getReasons().stream().map(ReasonStatus::getCode).toList();
  }

  static List<PreferredSchedulingTerm> preferred(Deployment d) {
    var spec = d.getSpec().getTemplate().getSpec();
    return spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null ? List.of()
        : spec.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
  }

  @Test
  void nodesAreLabelledFromWhatTheirAgentsMeasured() {
    await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(label("new-1")) && "true".equals(label("new-2"))
        && "false".equals(label("old-1")));
    assertNull(label("guess-1"), "no agent has reported: no label, not a guess");
    assertEquals("new-1", cluster.client.nodes().withName("new-1").get().getMetadata().getLabels()
        .get("kubernetes.io/hostname"), "the node's other labels are kept");

    cluster.node("spare-1", "6.8.0-45-generic");
    cluster.nodeCapability("spare-1", "6.8.0-45-generic", MockCluster.allFeatures());
    await().atMost(Duration.ofSeconds(30)).until(() -> "true".equals(label("spare-1")));
    cluster.client.resources(NodeCapability.class).withName("spare-1").delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> label("spare-1") == null);
  }

  @Test
  void withoutAPlacementTheWeakestNodeDecidesForEveryPod() {
    cluster.namespace("weakest", true);
    cluster.pod("weakest", "web", "new-1", Probes.dynamicOpenSsl());
    cluster.deployment("weakest", "web", Map.of());
    WorkloadCapability w = cluster.awaitPath("weakest", "web", "SIDECAR");
    assertTrue(codes(w).contains("KERNEL_MIXED"), codes(w).toString());
    assertEquals("any-node", w.getStatus().getPlacement());
    assertTrue(preferred(cluster.get("weakest", "web")).isEmpty());
  }

  @Test
  void requiredNodeAffinityLeavesTheOldNodesOut() {
    cluster.namespace("pinned", true);
    cluster.pod("pinned", "web", "new-2", Probes.dynamicOpenSsl());
    cluster.deployment("pinned", "web", Map.of(), spec -> spec.setAffinity(new AffinityBuilder()
        .withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
        .addNewMatchExpression().withKey("tier").withOperator("In").withValues("new").endMatchExpression()
        .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build()));
    WorkloadCapability w = cluster.awaitPath("pinned", "web", "EBPF");
    assertEquals(List.of("new-1", "new-2"), w.getStatus().getNodes().stream().map(NodeStatus::getName).toList());
    assertEquals("FULL", w.getStatus().getL7Visibility());
  }

  @Test
  void preferCapableDecidesForTheCapableNodesAndNamesThePodThatLandedElsewhere() {
    cluster.namespace("prefer", true);
    cluster.pod("prefer", "web", "web-a", "new-1", Probes.dynamicOpenSsl());
    cluster.pod("prefer", "web", "web-b", "old-1", Probes.dynamicOpenSsl());
    cluster.deployment("prefer", "web", Map.of(HybridMeshNames.PLACEMENT_ANNOTATION, "prefer-capable"));
    WorkloadCapability w = cluster.awaitPath("prefer", "web", "EBPF");
    assertEquals("FULL", w.getStatus().getL7Visibility());
    assertEquals("prefer-capable", w.getStatus().getPlacement());
    assertTrue(codes(w).containsAll(List.of("PLACEMENT_PREFER_CAPABLE", "PODS_ON_INCAPABLE_NODES")), codes(w).toString());
    List<PodPlacementStatus> elsewhere = w.getStatus().getPodsOnIncapableNodes();
    assertEquals(1, elsewhere.size());
    assertEquals(List.of("web-b", "old-1", "L4_ONLY"), List.of(elsewhere.get(0).getPod(), elsewhere.get(0).getNode(),
        elsewhere.get(0).getL7Visibility()));
    assertTrue(elsewhere.get(0).getLacks().contains("cannot read TLS"), elsewhere.get(0).getLacks());

    await().atMost(Duration.ofSeconds(30)).until(() -> preferred(cluster.get("prefer", "web")).size() == 1);
    PreferredSchedulingTerm term = preferred(cluster.get("prefer", "web")).get(0);
    assertEquals(100, term.getWeight());
    assertEquals(List.of(HybridMeshNames.TLS_CAPABLE_LABEL, "In", List.of("true")), List.of(
        term.getPreference().getMatchExpressions().get(0).getKey(),
        term.getPreference().getMatchExpressions().get(0).getOperator(),
        term.getPreference().getMatchExpressions().get(0).getValues()));
    assertTrue(WorkloadControllerIT.initContainers(cluster.get("prefer", "web")).isEmpty(), "no sidecar");
    await().until(() -> cluster.client.v1().events().inNamespace("prefer").list().getItems().stream()
        .anyMatch(e -> "PlacementAffinityAdded".equals(e.getReason())));

    // A typo keeps everything as it is and says so.
    Object template = cluster.get("prefer", "web").getSpec().getTemplate();
    annotate("prefer", "web", "prefer-capabel");
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.report("prefer", "web").getStatus().getConditions()
        .stream().anyMatch(c -> "Degraded".equals(c.getType()) && "InvalidPlacement".equals(c.getReason())));
    assertEquals("EBPF", cluster.report("prefer", "web").getStatus().getDataPath());
    assertEquals(template, cluster.get("prefer", "web").getSpec().getTemplate(), "no pod-template churn");

    // Without the annotation the weakest decides again: sidecar in and preference out, in one template write.
    annotate("prefer", "web", null);
    cluster.awaitPath("prefer", "web", "SIDECAR");
    await().atMost(Duration.ofSeconds(30)).until(() -> preferred(cluster.get("prefer", "web")).isEmpty()
        && WorkloadControllerIT.initContainers(cluster.get("prefer", "web")).contains(SidecarInjector.PROXY));
    assertNull(cluster.get("prefer", "web").getSpec().getTemplate().getSpec().getAffinity(),
        "the template is as the user wrote it, apart from the sidecar");
    assertTrue(cluster.report("prefer", "web").getStatus().getPodsOnIncapableNodes().isEmpty());
  }

  private static void annotate(String ns, String name, String placement) {
    cluster.client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
      if (placement == null) {
        d.getMetadata().getAnnotations().remove(HybridMeshNames.PLACEMENT_ANNOTATION);
      } else {
        d.getMetadata().getAnnotations().put(HybridMeshNames.PLACEMENT_ANNOTATION, placement);
      }
      return d;
    });
  }
}
