package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulingRulesTest {

  static final Map<String, String> OLD = Map.of("kubernetes.io/hostname", "old-1", "pool", "legacy",
      "kernel-major", "4");
  static final Map<String, String> NEW = Map.of("kubernetes.io/hostname", "new-1", "pool", "general",
      "kernel-major", "6", "gpu", "");

  static NodeSelectorRequirement expr(String key, String op, String... values) {
    return new NodeSelectorRequirement(key, op, Arrays.asList(values));
  }

  static NodeSelectorTerm term(NodeSelectorRequirement... expressions) {
    return new NodeSelectorTerm(Arrays.asList(expressions), null);
  }

  static PodSpec required(Map<String, String> nodeSelector, NodeSelectorTerm... terms) {
    return new PodSpecBuilder().withNodeSelector(nodeSelector).withNewAffinity().withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution().withNodeSelectorTerms(terms)
        .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().build();
  }

  static boolean on(PodSpec spec, Map<String, String> labels) {
    return SchedulingRules.admits(spec, labels.get("kubernetes.io/hostname"), labels);
  }

  @Test
  void withoutConstraintsEveryNode() {
    assertTrue(on(null, OLD));
    assertTrue(on(new PodSpec(), OLD));
    assertTrue(on(new PodSpecBuilder().withNewAffinity().endAffinity().build(), NEW));
  }

  @Test
  void nodeSelectorAndRequiredAffinityMustBothHold() {
    PodSpec spec = required(Map.of("pool", "general"), term(expr("kernel-major", "Gt", "5")));
    assertTrue(on(spec, NEW));
    assertFalse(on(spec, OLD));
    assertFalse(on(required(Map.of("pool", "legacy"), term(expr("kernel-major", "Gt", "5"))), OLD),
        "the selector admits the node, the affinity does not");
    assertFalse(on(required(Map.of("pool", "general"), term(expr("kernel-major", "Lt", "5"))), NEW));
  }

  @Test
  void termsAreOredAndExpressionsAnded() {
    PodSpec either = required(null, term(expr("pool", "In", "legacy")), term(expr("gpu", "Exists")));
    assertTrue(on(either, OLD));
    assertTrue(on(either, NEW));
    PodSpec both = required(null, term(expr("pool", "In", "general", "legacy"), expr("gpu", "Exists")));
    assertTrue(on(both, NEW));
    assertFalse(on(both, OLD));
  }

  @Test
  void eachOperator() {
    assertTrue(SchedulingRules.expressionMatches(expr("pool", "In", "a", "legacy"), OLD));
    assertFalse(SchedulingRules.expressionMatches(expr("pool", "In", "a"), OLD));
    assertFalse(SchedulingRules.expressionMatches(expr("missing", "In", "a"), OLD));
    assertTrue(SchedulingRules.expressionMatches(expr("pool", "NotIn", "general"), OLD));
    assertTrue(SchedulingRules.expressionMatches(expr("missing", "NotIn", "x"), OLD), "no label is not in any set");
    assertFalse(SchedulingRules.expressionMatches(expr("pool", "NotIn", "legacy"), OLD));
    assertTrue(SchedulingRules.expressionMatches(expr("gpu", "Exists"), NEW), "an empty value still exists");
    assertFalse(SchedulingRules.expressionMatches(expr("gpu", "Exists"), OLD));
    assertTrue(SchedulingRules.expressionMatches(expr("gpu", "DoesNotExist"), OLD));
    assertFalse(SchedulingRules.expressionMatches(expr("gpu", "DoesNotExist"), NEW));
    assertTrue(SchedulingRules.expressionMatches(expr("kernel-major", "Gt", "5"), NEW));
    assertFalse(SchedulingRules.expressionMatches(expr("kernel-major", "Gt", "6"), NEW), "greater, not equal");
    assertTrue(SchedulingRules.expressionMatches(expr("kernel-major", "Lt", "5"), OLD));
    assertFalse(SchedulingRules.expressionMatches(expr("kernel-major", "Lt", "4"), OLD));
  }

  @Test
  void whatCannotBeReadMatchesNothing() {
    for (NodeSelectorRequirement bad : List.of(expr("pool", "Gt", "1"), expr("kernel-major", "Gt", "five"),
        expr("kernel-major", "Gt", "1", "2"), expr("kernel-major", "Gt"), expr("missing", "Lt", "9"),
        expr("pool", "Like", "leg*"), new NodeSelectorRequirement(null, "Exists", null),
        new NodeSelectorRequirement("pool", null, List.of("legacy")))) {
      assertFalse(SchedulingRules.expressionMatches(bad, OLD), String.valueOf(bad));
    }
    assertFalse(on(required(null, new NodeSelectorTerm()), OLD), "an empty term matches no node");
    assertFalse(on(required(null), OLD), "no terms: no node");
  }

  @Test
  void fieldsMatchTheNodeName() {
    NodeSelectorTerm byName = new NodeSelectorTerm(null, List.of(expr("metadata.name", "In", "new-1")));
    assertTrue(on(required(null, byName), NEW));
    assertFalse(on(required(null, byName), OLD));
    NodeSelectorTerm notOld = new NodeSelectorTerm(List.of(expr("pool", "Exists")),
        List.of(expr("metadata.name", "NotIn", "old-1")));
    assertTrue(on(required(null, notOld), NEW));
    assertFalse(on(required(null, notOld), OLD));
    assertFalse(SchedulingRules.fieldMatches(expr("metadata.labels", "In", "new-1"), "new-1"));
    assertFalse(SchedulingRules.fieldMatches(expr("metadata.name", "Exists"), "new-1"));
  }
}
