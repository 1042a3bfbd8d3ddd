package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;

/** Kubernetes label-selector matching, for finding a workload's pods in the informer cache. */
public final class LabelSelectors {

  private LabelSelectors() {}

  /** An empty or missing selector matches nothing here: a workload always has one, so it is garbage. */
  public static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    Map<String, String> ml = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    List<LabelSelectorRequirement> ex = selector.getMatchExpressions() == null ? List.of()
        : selector.getMatchExpressions();
    if (ml.isEmpty() && ex.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> e : ml.entrySet()) {
      if (!e.getValue().equals(l.get(e.getKey()))) {
        return false;
      }
    }
    for (LabelSelectorRequirement r : ex) {
      String v = l.get(r.getKey());
      List<String> values = r.getValues() == null ? List.of() : r.getValues();
      boolean ok = switch (r.getOperator()) {
        case "In" -> v != null && values.contains(v);
        case "NotIn" -> v == null || !values.contains(v);
        case "Exists" -> l.containsKey(r.getKey());
        case "DoesNotExist" -> !l.containsKey(r.getKey());
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
