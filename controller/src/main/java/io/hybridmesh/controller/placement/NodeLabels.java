package io.hybridmesh.controller.placement;

import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.NodeFactsReader;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The label {@value HybridMeshNames#TLS_CAPABLE_LABEL} a node should carry, from its NodeCapability. Pure. Only
 * what an agent measured counts: a node without a usable NodeCapability gets no label (the scheduler must not
 * be steered by a guess from a kernel version), and loses one it had.
 */
public final class NodeLabels {

  private NodeLabels() {}

  /** "true" or "false" from a usable NodeCapability; empty when there is none. */
  public static Optional<String> desired(String node, NodeCapability capability) {
    if (capability == null) {
      return Optional.empty();
    }
    NodeFacts facts = NodeFactsReader.read(node, capability, null).facts();
    return facts.guess() ? Optional.empty() : Optional.of(Boolean.toString(facts.canReadTls()));
  }

  /** Whether the node's labels already say what they should. */
  public static boolean upToDate(Map<String, String> labels, Optional<String> desired) {
    String current = labels == null ? null : labels.get(HybridMeshNames.TLS_CAPABLE_LABEL);
    return Objects.equals(current, desired.orElse(null));
  }
}
