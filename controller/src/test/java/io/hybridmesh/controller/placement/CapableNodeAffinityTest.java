package io.hybridmesh.controller.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapableNodeAffinityTest {

  static final PodTemplateSpec PLAIN = new PodTemplateSpecBuilder().withNewSpec().addNewContainer().withName("app")
      .endContainer().endSpec().build();

  static final PreferredSchedulingTerm USERS = new PreferredSchedulingTermBuilder().withWeight(10).withNewPreference()
      .addToMatchExpressions(new NodeSelectorRequirement("zone", "In", List.of("a"))).endPreference().build();

  static List<PreferredSchedulingTerm> preferred(PodTemplateSpec t) {
    return t.getSpec().getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
  }

  @Test
  void addsOnePreferredTermAndTakesItOutAgainLeavingTheTemplateAsItWas() {
    assertTrue(CapableNodeAffinity.upToDate(PLAIN, false));
    assertFalse(CapableNodeAffinity.upToDate(PLAIN, true));
    PodTemplateSpec with = CapableNodeAffinity.apply(PLAIN, true);
    assertEquals(List.of(CapableNodeAffinity.TERM), preferred(with));
    assertEquals(100, preferred(with).get(0).getWeight());
    assertEquals("hybridmesh.io/tls-capable", preferred(with).get(0).getPreference().getMatchExpressions().get(0)
        .getKey());
    assertNull(with.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
        "preferred only: the workload still runs when no capable node has room");
    assertTrue(CapableNodeAffinity.upToDate(with, true));
    assertEquals(with, CapableNodeAffinity.apply(with, true), "applying twice changes nothing");
    assertEquals(PLAIN, CapableNodeAffinity.apply(with, false));
    assertNull(PLAIN.getSpec().getAffinity(), "the input is not changed");
  }

  @Test
  void theUsersOwnAffinityIsKept() {
    PodTemplateSpec users = new PodTemplateSpecBuilder(PLAIN).editSpec().withNewAffinity().withNewNodeAffinity()
        .withPreferredDuringSchedulingIgnoredDuringExecution(USERS).endNodeAffinity().endAffinity().endSpec().build();
    PodTemplateSpec with = CapableNodeAffinity.apply(users, true);
    assertEquals(List.of(USERS, CapableNodeAffinity.TERM), preferred(with));
    assertEquals(users, CapableNodeAffinity.apply(with, false));
  }

  @Test
  void aStaleTermOfOursIsReplaced() {
    PreferredSchedulingTerm stale = new PreferredSchedulingTermBuilder().withWeight(1).withNewPreference()
        .addToMatchExpressions(new NodeSelectorRequirement("hybridmesh.io/tls-capable", "Exists", null))
        .endPreference().build();
    PodTemplateSpec old = new PodTemplateSpecBuilder(PLAIN).editSpec().withNewAffinity().withNewNodeAffinity()
        .withPreferredDuringSchedulingIgnoredDuringExecution(stale).endNodeAffinity().endAffinity().endSpec().build();
    assertFalse(CapableNodeAffinity.upToDate(old, true));
    assertFalse(CapableNodeAffinity.upToDate(old, false));
    assertEquals(List.of(CapableNodeAffinity.TERM), preferred(CapableNodeAffinity.apply(old, true)));
  }
}
