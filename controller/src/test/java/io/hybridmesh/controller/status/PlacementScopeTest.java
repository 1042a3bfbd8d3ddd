package io.hybridmesh.controller.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.Placement;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.facts.WorkloadFacts.PodOnNode;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import io.hybridmesh.controller.status.Plan.AffinityAction;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision for mixed kernels: for the weakest node by default, for the capable ones when asked. */
class PlacementScopeTest {

  static final NodeFacts NEW_1 = new NodeFacts("new-1", "6.8.0", EnumSet.allOf(KernelFeature.class), false);
  static final NodeFacts NEW_2 = new NodeFacts("new-2", "6.8.0", EnumSet.allOf(KernelFeature.class), false);
  /** Connections, no TLS: a 5.4 kernel without the features TLS probes need. */
  static final NodeFacts OLD = new NodeFacts("old-1", "5.4.0", EnumSet.of(KernelFeature.TC_BPF,
      KernelFeature.RINGBUF), false);
  /** Not even connections. */
  static final NodeFacts ANCIENT = new NodeFacts("ancient-1", "4.14.0", EnumSet.of(KernelFeature.TC_BPF), false);
  /** Judged capable from its version alone: no agent said so, so it is not one the pods prefer. */
  static final NodeFacts GUESSED = new NodeFacts("guess-1", "6.8.0", EnumSet.allOf(KernelFeature.class), true);

  static final ContainerProbe OPENSSL = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
      new ContainerProbe.Target("SSL_write", "/lib/libssl.so.3", true, null),
      new ContainerProbe.Target("SSL_read", "/lib/libssl.so.3", true, null)), null, null);

  final WorkloadPlanner planner = new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS);

  static WorkloadFacts facts(Map<String, String> annotations, List<NodeFacts> nodes, List<PodOnNode> pods) {
    return new WorkloadFacts(WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "true"), annotations,
        Fallback.SIDECAR), Optional.empty(), false, List.of(new AppContainer("app", "img", OPENSSL)), nodes, pods,
        List.of());
  }

  static final Map<String, String> PREFER = Map.of("hybridmesh.io/placement", "prefer-capable");
  static final List<NodeFacts> MIXED = List.of(NEW_1, NEW_2, OLD, GUESSED);
  static final List<PodOnNode> PODS = List.of(new PodOnNode("web-a", "new-1"), new PodOnNode("web-b", "old-1"),
      new PodOnNode("web-c", "new-2"));

  static List<String> codes(WorkloadCapabilityStatus s) {
    return s.getReasons().stream().map(ReasonStatus::getCode).toList();
  }

  @Test
  void byDefaultOneOldNodeDecidesForEveryPod() {
    Plan p = planner.plan(facts(Map.of(), MIXED, PODS), null, 1, Instant.EPOCH);
    assertEquals("SIDECAR", p.status().getDataPath(), "decided for the weakest node");
    assertTrue(codes(p.status()).contains("KERNEL_MIXED"), codes(p.status()).toString());
    assertEquals("any-node", p.status().getPlacement());
    assertTrue(p.status().getPodsOnIncapableNodes().isEmpty());
    assertEquals(AffinityAction.REMOVE, p.affinity(), "no preference without the annotation");
  }

  @Test
  void preferCapableDecidesForTheNodesThatCanReadTlsAndNamesEveryPodElsewhere() {
    Plan p = planner.plan(facts(PREFER, MIXED, PODS), null, 1, Instant.EPOCH);
    assertEquals(List.of("EBPF", "FULL"), List.of(p.status().getDataPath(), p.status().getL7Visibility()));
    assertEquals("prefer-capable", p.status().getPlacement());
    assertEquals(AffinityAction.ADD, p.affinity());
    assertTrue(codes(p.status()).containsAll(List.of("PLACEMENT_PREFER_CAPABLE", "PODS_ON_INCAPABLE_NODES")),
        codes(p.status()).toString());
    String scope = p.status().getReasons().stream().filter(r -> r.getCode().equals("PLACEMENT_PREFER_CAPABLE"))
        .findFirst().orElseThrow().getMessage();
    assertTrue(scope.contains("the 2 of 4 nodes") && scope.contains("new-1, new-2"), scope);
    List<PodPlacementStatus> elsewhere = p.status().getPodsOnIncapableNodes();
    assertEquals(1, elsewhere.size(), "pods on capable nodes lack nothing");
    PodPlacementStatus b = elsewhere.get(0);
    assertEquals(List.of("web-b", "old-1", "L4_ONLY"), List.of(b.getPod(), b.getNode(), b.getL7Visibility()));
    assertTrue(b.getLacks().startsWith("its HTTP"), b.getLacks());
    assertTrue(b.getLacks().contains("lacks BTF, UPROBES, SYSCALL_TRACEPOINTS, TASK_BTF"), b.getLacks());
    assertTrue(p.status().getNodes().size() == 4, "the report still shows every node it may run on");
  }

  @Test
  void aPodOnANodeThatSeesNothingLacksItsConnectionsToo() {
    List<PodPlacementStatus> s = planner.plan(facts(PREFER, List.of(NEW_1, ANCIENT),
        List.of(new PodOnNode("web-z", "ancient-1"))), null, 1, Instant.EPOCH).status().getPodsOnIncapableNodes();
    assertEquals("NONE", s.get(0).getL7Visibility());
    assertTrue(s.get(0).getLacks().startsWith("its connections and its HTTP"), s.get(0).getLacks());
    assertTrue(s.get(0).getLacks().contains("lacks BTF, RINGBUF"), s.get(0).getLacks());
  }

  @Test
  void withoutAMeasuredCapableNodeItIsDecidedForThemAllAndSaysWhy() {
    Plan p = planner.plan(facts(PREFER, List.of(OLD, GUESSED), PODS), null, 1, Instant.EPOCH);
    assertEquals("SIDECAR", p.status().getDataPath());
    assertTrue(codes(p.status()).contains("PLACEMENT_NO_CAPABLE_NODE"), codes(p.status()).toString());
    assertTrue(p.status().getPodsOnIncapableNodes().isEmpty(), "a sidecar sees the same on every node");
    assertEquals(AffinityAction.ADD, p.affinity(), "the preference stands for when a capable node comes");
  }

  @Test
  void theDecisionDoesNotMoveWithThePods() {
    Plan before = planner.plan(facts(PREFER, MIXED, PODS), null, 1, Instant.EPOCH);
    Plan moved = planner.plan(facts(PREFER, MIXED, List.of(new PodOnNode("web-b", "new-1"))), before.status(), 1,
        Instant.EPOCH);
    assertEquals(before.status().getDataPath(), moved.status().getDataPath());
    assertTrue(moved.status().getPodsOnIncapableNodes().isEmpty());
    assertTrue(moved.events().isEmpty(), "no DataPathChanged when a pod is rescheduled");
  }

  @Test
  void anInvalidPlacementKeepsTheLastDecisionAndLeavesTheAffinity() {
    Plan before = planner.plan(facts(PREFER, MIXED, PODS), null, 1, Instant.EPOCH);
    Plan typo = planner.plan(facts(Map.of("hybridmesh.io/placement", "prefer-capabel"), MIXED, PODS),
        before.status(), 2, Instant.EPOCH);
    assertEquals(AffinityAction.LEAVE, typo.affinity());
    assertEquals("EBPF", typo.status().getDataPath());
    assertEquals("prefer-capable", typo.status().getPlacement(), "the placement in force is still the last one");
    assertEquals("InvalidPlacement", typo.status().getConditions().get(1).getReason());
  }

  @Test
  void offAndOtherMeshesGetNoAffinity() {
    assertEquals(AffinityAction.REMOVE, planner.plan(facts(Map.of("hybridmesh.io/placement", "prefer-capable",
        "hybridmesh.io/mode", "off"), MIXED, PODS), null, 1, Instant.EPOCH).affinity());
    WorkloadFacts f = facts(PREFER, MIXED, PODS);
    WorkloadFacts istio = new WorkloadFacts(f.knobs(), Optional.of("istio-injection=enabled"), false, f.containers(),
        f.nodes(), f.pods(), List.of());
    assertEquals(AffinityAction.REMOVE, planner.plan(istio, null, 1, Instant.EPOCH).affinity());
  }

  @Test
  void scopeAloneIsEveryNodeUnlessPreferCapable() {
    assertEquals(MIXED, PlacementScope.of(Placement.ANY_NODE, MIXED).nodes());
    assertEquals(List.of(NEW_1, NEW_2), PlacementScope.of(Placement.PREFER_CAPABLE, MIXED).nodes());
    assertTrue(PlacementScope.of(Placement.PREFER_CAPABLE, List.of()).nodes().isEmpty());
  }
}
