package io.hybridmesh.controller.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.PodProbes;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import io.hybridmesh.controller.status.Plan.SidecarAction;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadPlannerTest {

  static final NodeFacts CAPABLE = new NodeFacts("n1", "6.8.0", EnumSet.allOf(KernelFeature.class), false);
  static final ContainerProbe JSSE = new ContainerProbe("/usr/bin/java", "JSSE", "DYNAMIC", List.of(), null, null);
  static final ContainerProbe OPENSSL = new ContainerProbe("/usr/bin/curl", "OPENSSL", "DYNAMIC", List.of(
      new ContainerProbe.Target("SSL_write", "/lib/libssl.so.3", true, null),
      new ContainerProbe.Target("SSL_read", "/lib/libssl.so.3", true, null)), null, null);

  final WorkloadPlanner planner = new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS);

  static WorkloadFacts facts(Map<String, String> annotations, ContainerProbe probe) {
    return new WorkloadFacts(WorkloadKnobs.parse(Map.of("hybridmesh.io/enabled", "true"), annotations,
        Fallback.SIDECAR), Optional.empty(), false, List.of(new AppContainer("app", "img", probe)), List.of(CAPABLE),
        List.of());
  }

  static JsonNode json(WorkloadCapabilityStatus s) {
    return Serialization.jsonMapper().valueToTree(s);
  }

  @Test
  void theSameFactsLaterBuildAnEqualStatusAndNoEvents() {
    Plan first = planner.plan(facts(Map.of(), OPENSSL), null, 3, Instant.parse("2026-11-27T08:00:00Z"));
    assertEquals("EBPF", first.status().getDataPath());
    assertEquals(SidecarAction.REMOVE, first.sidecar());
    assertEquals(List.of("DataPathChanged"), first.events().stream().map(Plan.Note::reason).toList());
    Plan again = planner.plan(facts(Map.of(), OPENSSL), first.status(), 3, Instant.parse("2026-11-27T09:00:00Z"));
    assertEquals(json(first.status()), json(again.status()), "times carried over: nothing to write");
    assertTrue(again.events().isEmpty());
  }

  @Test
  void whatThePodsConnectionsBeganWithIsReportedAndOutlivesARollout() {
    WorkloadFacts seen = withObserved(facts(Map.of(), JSSE), "in/8080=http out/5432=other");
    Plan ebpf = planner.plan(seen, null, 1, Instant.EPOCH);
    assertEquals("EBPF", ebpf.status().getDataPath(), "JSSE, but no TLS on the wire");
    assertEquals("FULL", ebpf.status().getL7Visibility());
    assertEquals("TLS_UNUSED_PLAINTEXT_SEEN", ebpf.status().getReasons().get(0).getCode());
    assertEquals("in/8080=http out/5432=other", ebpf.status().getObservedPorts());

    // A rollout: the new pods have seen nothing yet; what the old ones saw stands.
    Plan rolled = planner.plan(facts(Map.of(), JSSE), ebpf.status(), 1, Instant.EPOCH.plusSeconds(60));
    assertEquals("EBPF", rolled.status().getDataPath());
    assertEquals("in/8080=http out/5432=other", rolled.status().getObservedPorts());
    assertTrue(rolled.events().isEmpty(), rolled.events().toString());

    // A connection that began with TLS: the sidecar, and the TLS stays in the report.
    Plan tls = planner.plan(withObserved(facts(Map.of(), JSSE), "out/443=tls"), rolled.status(), 1,
        Instant.EPOCH.plusSeconds(120));
    assertEquals("SIDECAR", tls.status().getDataPath());
    assertEquals("in/8080=http out/443=tls out/5432=other", tls.status().getObservedPorts());

    assertEquals(null, planner.plan(facts(Map.of(), JSSE), null, 1, Instant.EPOCH).status().getObservedPorts(),
        "nothing seen: no field");
  }

  private static WorkloadFacts withObserved(WorkloadFacts f, String observed) {
    return new WorkloadFacts(f.knobs(), f.otherMesh(), f.hostNetwork(), f.containers(), f.nodes(), f.pods(),
        f.problems(), ObservedPorts.parse(observed).value().orElseThrow());
  }

  @Test
  void aTypoKeepsTheLastDecisionAndLeavesThePods() {
    Plan sidecar = planner.plan(facts(Map.of(), JSSE), null, 1, Instant.EPOCH);
    assertEquals(SidecarAction.INJECT, sidecar.sidecar());
    Plan typo = planner.plan(facts(Map.of("hybridmesh.io/mode", "ebfp"), OPENSSL), sidecar.status(), 2, Instant.EPOCH);
    assertEquals("SIDECAR", typo.status().getDataPath());
    assertEquals(SidecarAction.LEAVE, typo.sidecar());
    assertEquals("InvalidMode", typo.status().getConditions().get(1).getReason());
    assertEquals(List.of("InvalidMode"), typo.events().stream().map(Plan.Note::reason).toList());
  }

  @Test
  void anUnprobedContainerMakesAutoWaitButNotAnExplicitMode() {
    Plan auto = planner.plan(facts(Map.of(), null), null, 1, Instant.EPOCH);
    assertEquals("PENDING", auto.status().getDataPath());
    assertEquals("PROBE_PENDING", auto.status().getReasons().get(0).getCode());
    assertEquals(SidecarAction.LEAVE, auto.sidecar());
    Plan sidecar = planner.plan(facts(Map.of("hybridmesh.io/mode", "sidecar"), null), null, 1, Instant.EPOCH);
    assertEquals(SidecarAction.INJECT, sidecar.sidecar());
  }

  @Test
  void aProbeInANewerFormatKeepsTheLastDecisionAndSaysWhy() {
    Problem newer = PodProbes.read("web-0", "{\"formatVersion\":7}").problems().get(0);
    WorkloadFacts unreadable = new WorkloadFacts(facts(Map.of(), null).knobs(), Optional.empty(), false,
        List.of(new AppContainer("app", "img", null)), List.of(CAPABLE), List.of(newer));
    Plan first = planner.plan(unreadable, null, 1, Instant.EPOCH);
    assertEquals(List.of("PENDING", "PROBE_FORMAT_UNSUPPORTED"), List.of(first.status().getDataPath(),
        first.status().getReasons().get(0).getCode()), "nothing decided before: the decision waits");
    assertEquals(SidecarAction.LEAVE, first.sidecar());

    Plan sidecar = planner.plan(facts(Map.of(), JSSE), null, 1, Instant.EPOCH);
    Plan kept = planner.plan(unreadable, sidecar.status(), 2, Instant.EPOCH);
    assertEquals("SIDECAR", kept.status().getDataPath(), "not a decision made without the facts");
    assertEquals(SidecarAction.LEAVE, kept.sidecar());
    assertEquals("PROBE_FORMAT_UNSUPPORTED", kept.status().getReasons().get(0).getCode());
    assertTrue(kept.status().getReasons().get(0).getMessage().contains("format version 7"));
    assertEquals(sidecar.status().getReasons().get(0).getCode(), kept.status().getReasons().get(1).getCode());
    Plan again = planner.plan(unreadable, kept.status(), 2, Instant.EPOCH);
    assertEquals(json(kept.status()), json(again.status()), "the reason is not stacked up: nothing to write");
    assertTrue(again.events().isEmpty());
  }

  @Test
  void anotherMeshAndHostNetworkAreLeftAlone() {
    WorkloadFacts f = facts(Map.of(), JSSE);
    WorkloadFacts istio = new WorkloadFacts(f.knobs(), Optional.of("label istio-injection=enabled on the namespace"),
        false, f.containers(), f.nodes(), List.of());
    Plan p = planner.plan(istio, null, 1, Instant.EPOCH);
    assertEquals(List.of("NONE", "OTHER_MESH"), List.of(p.status().getDataPath(), p.status().getReasons().get(0)
        .getCode()));
    WorkloadFacts host = new WorkloadFacts(f.knobs(), Optional.empty(), true, f.containers(), f.nodes(), List.of());
    assertEquals("HOST_NETWORK", planner.plan(host, null, 1, Instant.EPOCH).status().getReasons().get(0).getCode());
  }
}
