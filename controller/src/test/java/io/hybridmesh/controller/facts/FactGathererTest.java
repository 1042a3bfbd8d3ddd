package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Fact gathering over a plain in-memory view: no API server. */
class FactGathererTest {

  static final String PROBE = "{\"app\":{\"path\":\"/usr/bin/java\",\"library\":\"JSSE\",\"linkage\":\"DYNAMIC\"}}";

  static ClusterView view(List<Pod> pods, List<Node> nodes) {
    return new ClusterView() {
      public Optional<Namespace> namespace(String name) {
        return Optional.of(new NamespaceBuilder().withNewMetadata().withName(name)
            .withLabels(Map.of("hybridmesh.io/enabled", "true")).endMetadata().build());
      }

      public List<Pod> pods(String ns, LabelSelector s) {
        return pods.stream().filter(p -> LabelSelectors.matches(s, p.getMetadata().getLabels())).toList();
      }

      public List<Node> nodes() {
        return nodes;
      }

      public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.getMetadata().getName().equals(name)).findFirst();
      }

      public Optional<NodeCapability> nodeCapability(String node) {
        return Optional.empty();
      }
    };
  }

  static Node node(String name, String zone) {
    return new NodeBuilder().withNewMetadata().withName(name).withLabels(Map.of("zone", zone)).endMetadata()
        .withNewStatus().withNewNodeInfo().withKernelVersion("6.1.0").endNodeInfo().endStatus().build();
  }

  static Pod pod(String name, String app, String node, String created, String probe) {
    return new PodBuilder().withNewMetadata().withName(name).withLabels(Map.of("app", app))
        .withCreationTimestamp(created).withAnnotations(probe == null ? Map.of() : Map.of("hybridmesh.io/probe", probe))
        .endMetadata().withNewSpec().withNodeName(node).endSpec().build();
  }

  static Deployment deployment(Map<String, String> annotations, Map<String, String> templateAnnotations) {
    return new DeploymentBuilder().withNewMetadata().withNamespace("ns").withName("web").withAnnotations(annotations)
        .endMetadata().withNewSpec().withSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("app", "web"))
        .build()).withNewTemplate().withNewMetadata().withAnnotations(templateAnnotations).endMetadata()
        .withNewSpec().withNodeSelector(Map.of("zone", "a")).addNewContainer().withName("app").withImage("img")
        .endContainer().endSpec().endTemplate().endSpec().build();
  }

  static WorkloadFacts gather(Deployment d, List<Pod> pods, List<Node> nodes) {
    return new FactGatherer(Fallback.SIDECAR).gather(d, d.getSpec().getTemplate(), d.getSpec().getSelector(),
        view(pods, nodes));
  }

  @Test
  void nodesAreWhereThePodsCanRunAndWhereTheyAre() {
    WorkloadFacts f = gather(deployment(Map.of(), Map.of()),
        List.of(pod("web-1", "web", "c1", "2026-11-27T08:00:00Z", PROBE), pod("db-1", "db", "b1", "2026-11-27T08:00:00Z", null)),
        List.of(node("a1", "a"), node("a2", "a"), node("b1", "b"), node("c1", "c")));
    assertEquals(List.of("a1", "a2", "c1"), f.nodes().stream().map(n -> n.node()).toList());
    assertTrue(f.nodes().get(0).guess());
    assertEquals("JSSE", f.containers().get(0).probe().library());
  }

  @Test
  void requiredNodeAffinityNarrowsTheNodesAsTheNodeSelectorDoes() {
    Deployment d = deployment(Map.of(), Map.of());
    d.getSpec().getTemplate().getSpec().setNodeSelector(null);
    d.getSpec().getTemplate().getSpec().setAffinity(new AffinityBuilder().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("In").withValues("a")
        .endMatchExpression().endNodeSelectorTerm()
        .addNewNodeSelectorTerm().addNewMatchExpression().withKey("zone").withOperator("NotIn").withValues("a", "b")
        .endMatchExpression().endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().build());
    WorkloadFacts f = gather(d, List.of(pod("web-1", "web", "a1", "2026-11-27T08:00:00Z", PROBE)),
        List.of(node("a1", "a"), node("b1", "b"), node("c1", "c")));
    assertEquals(List.of("a1", "c1"), f.nodes().stream().map(n -> n.node()).toList(), "b1 matches neither term");
    assertEquals(List.of(new WorkloadFacts.PodOnNode("web-1", "a1")), f.pods());
  }

  @Test
  void whatEveryLivePodsConnectionsBeganWithIsTakenTogetherAndABrokenValueIsAProblem() {
    Pod a = pod("web-a", "web", "a1", "2026-11-27T08:00:00Z", PROBE);
    a.getMetadata().setAnnotations(Map.of("hybridmesh.io/probe", PROBE, "hybridmesh.io/observed-ports",
        "in/8080=http"));
    Pod b = pod("web-b", "web", "a1", "2026-11-27T09:00:00Z", PROBE);
    b.getMetadata().setAnnotations(Map.of("hybridmesh.io/observed-ports", "out/443=tls in/8080=http"));
    Pod broken = pod("web-c", "web", "a1", "2026-11-27T10:00:00Z", PROBE);
    broken.getMetadata().setAnnotations(Map.of("hybridmesh.io/observed-ports", "in/8080=gopher"));
    WorkloadFacts f = gather(deployment(Map.of(), Map.of()), List.of(a, b, broken), List.of(node("a1", "a")));
    assertEquals("in/8080=http out/443=tls", f.observedPorts().toAnnotation());
    assertEquals(List.of("UnreadableObservedPorts"), f.problems().stream().map(p -> p.code()).toList());
    assertTrue(f.problems().get(0).message().contains("web-c"), f.problems().get(0).message());
  }

  @Test
  void theNewestPodWithAProbeSpeaksForAContainer() {
    String newer = PROBE.replace("JSSE", "OPENSSL");
    WorkloadFacts f = gather(deployment(Map.of(), Map.of()), List.of(
        pod("web-old", "web", "a1", "2026-11-27T08:00:00Z", PROBE),
        pod("web-new", "web", "a1", "2026-11-27T09:00:00Z", newer),
        pod("web-newest", "web", "a1", "2026-11-27T10:00:00Z", null)), List.of(node("a1", "a")));
    assertEquals("OPENSSL", f.containers().get(0).probe().library());
    WorkloadFacts none = gather(deployment(Map.of(), Map.of()), List.of(), List.of(node("a1", "a")));
    assertNull(none.containers().get(0).probe());
    assertFalse(none.containers().get(0).probed());
  }

  @Test
  void knobsOnTheWorkloadWinOverThoseOnTheTemplate() {
    WorkloadFacts f = gather(deployment(Map.of("hybridmesh.io/mode", "ebpf"), Map.of("hybridmesh.io/mode", "sidecar",
        "hybridmesh.io/tls-probe", "/app/bin:my_write")), List.of(), List.of());
    assertEquals(Mode.EBPF, f.knobs().mode());
    assertEquals("/app/bin", f.knobs().tlsProbe().file());
  }
}
