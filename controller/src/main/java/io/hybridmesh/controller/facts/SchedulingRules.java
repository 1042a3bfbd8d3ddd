package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.List;
import java.util.Map;

/**
 * Which nodes the scheduler may put a workload's pods on, as far as the pod spec says: its
 * {@code nodeSelector} and its required node affinity
 * ({@code requiredDuringSchedulingIgnoredDuringExecution}: the terms ORed, each term's expressions and fields
 * ANDed). Pure. Taints, resources and preferred affinity are not judged: they do not rule a node out for good,
 * and a decision must hold for every node a pod may still land on.
 */
public final class SchedulingRules {

  /** The only field a node selector term may match on. */
  static final String NODE_NAME_FIELD = "metadata.name";

  private SchedulingRules() {}

  /** Whether a pod with this spec may be scheduled on the node; a null spec constrains nothing. */
  public static boolean admits(PodSpec spec, String nodeName, Map<String, String> nodeLabels) {
    Map<String, String> labels = nodeLabels == null ? Map.of() : nodeLabels;
    if (spec == null) {
      return true;
    }
    return nodeSelectorMatches(spec.getNodeSelector(), labels) && requiredAffinityMatches(required(spec), nodeName,
        labels);
  }

  /** Every pair must be a label of the node; an empty selector matches every node. */
  static boolean nodeSelectorMatches(Map<String, String> nodeSelector, Map<String, String> labels) {
    return nodeSelector == null || nodeSelector.entrySet().stream()
        .allMatch(e -> e.getValue() != null && e.getValue().equals(labels.get(e.getKey())));
  }

  /**
   * Absent: every node. Present: at least one term matches. A term with neither expressions nor fields matches
   * no node, and so does a list of no terms (the scheduler's reading; the API server refuses both anyway).
   */
  static boolean requiredAffinityMatches(NodeSelector required, String nodeName, Map<String, String> labels) {
    if (required == null) {
      return true;
    }
    List<NodeSelectorTerm> terms = required.getNodeSelectorTerms() == null ? List.of() : required.getNodeSelectorTerms();
    return terms.stream().anyMatch(t -> termMatches(t, nodeName, labels));
  }

  static boolean termMatches(NodeSelectorTerm term, String nodeName, Map<String, String> labels) {
    if (term == null) {
      return false;
    }
    List<NodeSelectorRequirement> expressions = orEmpty(term.getMatchExpressions());
    List<NodeSelectorRequirement> fields = orEmpty(term.getMatchFields());
    if (expressions.isEmpty() && fields.isEmpty()) {
      return false;
    }
    return expressions.stream().allMatch(r -> expressionMatches(r, labels))
        && fields.stream().allMatch(r -> fieldMatches(r, nodeName));
  }

  /** One requirement on the node's labels: In, NotIn, Exists, DoesNotExist, Gt, Lt; anything else fails. */
  static boolean expressionMatches(NodeSelectorRequirement r, Map<String, String> labels) {
    if (r == null || r.getKey() == null || r.getOperator() == null) {
      return false;
    }
    String value = labels.get(r.getKey());
    List<String> values = orEmpty(r.getValues());
    return switch (r.getOperator()) {
      case "In" -> value != null && values.contains(value);
      case "NotIn" -> value == null || !values.contains(value);
      case "Exists" -> labels.containsKey(r.getKey());
      case "DoesNotExist" -> !labels.containsKey(r.getKey());
      case "Gt" -> compare(value, values) > 0;
      case "Lt" -> compare(value, values) < 0;
      default -> false;
    };
  }

  /** A field requirement: only metadata.name, with In or NotIn, as the API allows. */
  static boolean fieldMatches(NodeSelectorRequirement r, String nodeName) {
    if (r == null || !NODE_NAME_FIELD.equals(r.getKey()) || r.getOperator() == null) {
      return false;
    }
    List<String> values = orEmpty(r.getValues());
    return switch (r.getOperator()) {
      case "In" -> nodeName != null && values.contains(nodeName);
      case "NotIn" -> nodeName == null || !values.contains(nodeName);
      default -> false;
    };
  }

  /**
   * Gt and Lt read the label and the one value as integers; a missing label, a value that is not an integer
   * or anything but one value never matches (0 is returned, which neither operator accepts).
   */
  private static int compare(String label, List<String> values) {
    if (label == null || values.size() != 1) {
      return 0;
    }
    try {
      return Long.compare(Long.parseLong(label.trim()), Long.parseLong(values.get(0).trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static NodeSelector required(PodSpec spec) {
    if (spec.getAffinity() == null || spec.getAffinity().getNodeAffinity() == null) {
      return null;
    }
    return spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution();
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
