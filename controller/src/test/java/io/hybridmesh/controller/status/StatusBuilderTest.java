package io.hybridmesh.controller.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeStatus;
import io.hybridmesh.api.v1alpha1.UprobeTargetStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.ContainerProbe.Target;
import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import io.hybridmesh.controller.report.ClusterWorkloadReports;
import io.hybridmesh.controller.report.WorkloadReports;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The WorkloadCapability's probe sites and expected CPU per TLS call, and that the cluster reads as the demo. */
class StatusBuilderTest {

  static final String LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
  static final NodeFacts MEASURED = new NodeFacts("kvm-1", "6.18.0", EnumSet.allOf(KernelFeature.class), false,
      new UprobePairCost(1_400L, 13_800L, null));
  static final NodeFacts UNMEASURED = new NodeFacts("metal-1", "6.18.0", EnumSet.allOf(KernelFeature.class), false,
      UprobePairCost.notMeasured("the agent is not root"));
  static final ContainerProbe NGINX = new ContainerProbe("/usr/sbin/nginx", "OPENSSL", "DYNAMIC", List.of(
      new Target("SSL_write", LIBSSL, true, null, 0x35500L, 0x355a0L, "push %r14", ProbeCostClass.EMULATED,
          "SSL_write and SSL_write_ex both call the function at 0x355a0."),
      new Target("SSL_write_ex", LIBSSL, true, null, 0x35600L, 0x355a0L, "push %r14", ProbeCostClass.EMULATED,
          "SSL_write and SSL_write_ex both call the function at 0x355a0."),
      new Target("SSL_read", LIBSSL, true, null, 0x35300L, 0x35300L, "endbr64", ProbeCostClass.SINGLE_STEPPED,
          "SSL_read begins with endbr64: the kernel single-steps it."),
      new Target("SSL_peek", LIBSSL, false, "not exported")), null, null);

  final WorkloadPlanner planner = new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS);

  static WorkloadFacts facts(Map<String, String> annotations, ContainerProbe probe, List<NodeFacts> nodes) {
    return new WorkloadFacts(WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "true"), annotations,
        Inputs.Fallback.SIDECAR), Optional.empty(), false, List.of(new AppContainer("nginx", "img", probe)), nodes,
        List.of());
  }

  WorkloadCapabilityStatus status(Map<String, String> annotations, List<NodeFacts> nodes) {
    return planner.plan(facts(annotations, NGINX, nodes), null, 1, Instant.EPOCH).status();
  }

  @Test
  void eachTargetCarriesWhereItsProbeGoesAndWhatAHitCosts() {
    List<UprobeTargetStatus> targets = status(Map.of(), List.of(MEASURED)).getContainers().get(0).getUprobeTargets();
    UprobeTargetStatus write = targets.get(0);
    assertEquals(List.of(0x35500L, 0x355a0L, "push %r14", "EMULATED"), List.of(write.getOffset(),
        write.getProbeOffset(), write.getInstruction(), write.getCost()));
    assertTrue(write.getSite().contains("both call"));
    assertEquals("SINGLE_STEPPED", targets.get(2).getCost());
    UprobeTargetStatus peek = targets.get(3);
    assertEquals(false, peek.getResolved());
    assertNull(peek.getProbeOffset());
    assertNull(peek.getCost());
  }

  @Test
  void eachNodeStatesTheExpectedCpuPerTlsCallOrWhyNot() {
    WorkloadCapabilityStatus s = status(Map.of(), List.of(MEASURED, UNMEASURED));
    assertEquals("EBPF", s.getDataPath());
    NodeStatus kvm = s.getNodes().get(0);
    assertEquals(Math.round((1_400 + 13_800) / 2.0), kvm.getTlsCallNanos(), "two sites: the shared write, the read");
    assertNull(kvm.getTlsCallNote());
    assertEquals(1_400L, kvm.getEmulatedPairNs());
    assertEquals(13_800L, kvm.getSingleSteppedPairNs());
    NodeStatus metal = s.getNodes().get(1);
    assertNull(metal.getTlsCallNanos());
    assertNull(metal.getEmulatedPairNs());
    assertTrue(metal.getTlsCallNote().contains("the agent is not root"), metal.getTlsCallNote());
  }

  @Test
  void aSidecarWorkloadHasNoUprobesToPayFor() {
    NodeStatus n = status(Map.of("hybridmesh.io/mode", "sidecar"), List.of(MEASURED)).getNodes().get(0);
    assertNull(n.getTlsCallNanos());
    assertTrue(n.getTlsCallNote().contains("SIDECAR"), n.getTlsCallNote());
    assertEquals(1_400L, n.getEmulatedPairNs(), "the node's own measurement is still its fact");
  }

  @Test
  void theClusterReportSaysWhatTheDemosReportSays() {
    List<NodeFacts> nodes = List.of(MEASURED, UNMEASURED);
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace("shop");
    w.getMetadata().setName("deployment-web");
    w.setStatus(status(Map.of(), nodes));
    WorkloadReport cluster = ClusterWorkloadReports.toReport(w);

    ContainerReport.Builder c = ContainerReport.newBuilder().setName("nginx");
    NGINX.targets().stream().filter(Target::resolved).forEach(t -> c.addProbeSites(WorkloadReports.probeSite(
        t.symbol(), t.file(), t.offset(), t.probeOffset(), t.instruction(), t.cost(), t.site())));
    Inputs.Container container = ProbeKinds.container("nginx", NGINX, null);
    Decision d = DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, nodes,
        List.of(container), ProbeKinds.AGENT_SUPPORTS));
    WorkloadReport demo = WorkloadReports.build(new WorkloadReports.Workload("shop", "web", "Deployment"),
        Inputs.Mode.AUTO, d, nodes, List.of(c.build()), Instant.EPOCH);

    assertEquals(demo.getNodesList(), cluster.getNodesList());
    assertEquals(demo.getContainers(0).getProbeSitesList(), cluster.getContainers(0).getProbeSitesList());
    assertEquals(7_600L, cluster.getNodes(0).getTlsCallNs());
    assertEquals(0L, cluster.getNodes(1).getTlsCallNs());
    assertTrue(cluster.getNodes(1).getTlsCallNote().contains("not root"));
  }
}
