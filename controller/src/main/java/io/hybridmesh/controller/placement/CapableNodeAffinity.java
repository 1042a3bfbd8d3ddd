package io.hybridmesh.controller.placement;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import java.util.ArrayList;
import java.util.List;

/**
 * The preferred node affinity {@code hybridmesh.io/placement: prefer-capable} gives a pod template: nodes
 * labelled {@value HybridMeshNames#TLS_CAPABLE_LABEL}=true, at the highest weight. Pure: a template in, a new
 * template out. Only our term is touched; the user's own affinity stays as written. Preferred, never required:
 * a workload must still run when no capable node has room.
 */
public final class CapableNodeAffinity {

  /** The most a preference can weigh, so ours outweighs spreading and the like, never a requirement. */
  static final int WEIGHT = 100;

  static final PreferredSchedulingTerm TERM = new PreferredSchedulingTermBuilder().withWeight(WEIGHT)
      .withNewPreference().addToMatchExpressions(new NodeSelectorRequirement(HybridMeshNames.TLS_CAPABLE_LABEL,
          "In", List.of("true"))).endPreference().build();

  private CapableNodeAffinity() {}

  /** Whether the template carries exactly our term when wanted, and none of ours when not. */
  public static boolean upToDate(PodTemplateSpec template, boolean wanted) {
    List<PreferredSchedulingTerm> ours = preferred(template).stream().filter(CapableNodeAffinity::ours).toList();
    return wanted ? ours.equals(List.of(TERM)) : ours.isEmpty();
  }

  /** The template with our term (replacing any stale one of ours) or without it. */
  public static PodTemplateSpec apply(PodTemplateSpec template, boolean wanted) {
    PodTemplateSpec t = new PodTemplateSpecBuilder(template).editOrNewSpec().endSpec().build();
    List<PreferredSchedulingTerm> terms = new ArrayList<>(preferred(t));
    terms.removeIf(CapableNodeAffinity::ours);
    if (wanted) {
      terms.add(TERM);
    }
    Affinity affinity = t.getSpec().getAffinity() == null ? new Affinity() : t.getSpec().getAffinity();
    NodeAffinity node = affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
    node.setPreferredDuringSchedulingIgnoredDuringExecution(terms.isEmpty() ? null : terms);
    // What was added only to hold our term goes with it, so taking it out gives the template back as it was.
    boolean nodeEmpty = node.getPreferredDuringSchedulingIgnoredDuringExecution() == null
        && node.getRequiredDuringSchedulingIgnoredDuringExecution() == null && node.getAdditionalProperties().isEmpty();
    affinity.setNodeAffinity(nodeEmpty ? null : node);
    boolean affinityEmpty = affinity.getNodeAffinity() == null && affinity.getPodAffinity() == null
        && affinity.getPodAntiAffinity() == null && affinity.getAdditionalProperties().isEmpty();
    t.getSpec().setAffinity(affinityEmpty ? null : affinity);
    return t;
  }

  /** A term is ours when it prefers nodes by our label, whatever else a stale version of it said. */
  static boolean ours(PreferredSchedulingTerm term) {
    return term != null && term.getPreference() != null && term.getPreference().getMatchExpressions() != null
        && term.getPreference().getMatchExpressions().stream()
            .anyMatch(r -> HybridMeshNames.TLS_CAPABLE_LABEL.equals(r.getKey()));
  }

  private static List<PreferredSchedulingTerm> preferred(PodTemplateSpec t) {
    if (t.getSpec() == null || t.getSpec().getAffinity() == null || t.getSpec().getAffinity().getNodeAffinity() == null
        || t.getSpec().getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
      return List.of();
    }
    return t.getSpec().getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
  }
}
