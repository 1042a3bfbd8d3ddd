package io.hybridmesh.controller.status;

import io.hybridmesh.api.annotation.Placement;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.Decision.DataPath;
import io.hybridmesh.controller.decision.Decision.Visibility;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.PodOnNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which nodes a workload is decided for, and which of its pods then see less than it was decided for. Pure.
 *
 * <p>By default every node its pods may be scheduled on counts, so the weakest decides: honest, since a pod
 * may land on any of them. With {@code hybridmesh.io/placement: prefer-capable} the pods prefer nodes whose
 * NodeCapability says they can read TLS (labelled {@value HybridMeshNames#TLS_CAPABLE_LABEL}=true), so the
 * decision is made for those; a pod the scheduler still puts elsewhere is named, with what it lacks there.
 */
public final class PlacementScope {

  /** How many names a sentence lists before it says how many more. */
  static final int NAMES_SHOWN = 5;

  private PlacementScope() {}

  /** The nodes to decide for, and a reason saying why those when that is not simply every node. */
  public record Scope(List<NodeFacts> nodes, Optional<ReasonStatus> reason) {}

  /**
   * Capable means measured capable: the label the preferred affinity points at is written from NodeCapabilities
   * only, so a node judged by its kernel version alone is not one the pods prefer.
   */
  public static boolean capable(NodeFacts n) {
    return !n.guess() && n.canReadTls();
  }

  public static Scope of(Placement placement, List<NodeFacts> nodes) {
    if (placement != Placement.PREFER_CAPABLE || nodes.isEmpty()) {
      return new Scope(nodes, Optional.empty());
    }
    List<NodeFacts> capable = nodes.stream().filter(PlacementScope::capable).toList();
    if (capable.isEmpty()) {
      return new Scope(nodes, Optional.of(new ReasonStatus(ControllerReasonCode.PLACEMENT_NO_CAPABLE_NODE.name(),
          "hybridmesh.io/placement is prefer-capable, but no node it may run on has reported (in its "
              + "NodeCapability) that its kernel can read TLS; it is decided for all " + nodes.size()
              + " until one does.")));
    }
    return new Scope(capable, Optional.of(new ReasonStatus(ControllerReasonCode.PLACEMENT_PREFER_CAPABLE.name(),
        "hybridmesh.io/placement is prefer-capable: decided for the " + capable.size() + " of " + nodes.size()
            + " nodes it may run on whose kernel can read TLS (" + names(capable.stream().map(NodeFacts::node)
            .toList()) + "), which its pods prefer (node affinity to " + HybridMeshNames.TLS_CAPABLE_LABEL
            + "=true). Pods scheduled elsewhere are listed in podsOnIncapableNodes.")));
  }

  /**
   * The pods on nodes outside the decided ones that see less there than the decision promises. Only the eBPF
   * path depends on the node: a sidecar sees the same wherever it runs.
   *
   * @param decided what the decision was made from (its nodes are the scope's)
   * @param allNodes the facts of every node the pods may be on
   */
  public static List<PodPlacementStatus> shortfalls(Decision decision, Inputs decided, List<PodOnNode> pods,
      List<NodeFacts> allNodes) {
    if (decision.dataPath() != DataPath.EBPF) {
      return List.of();
    }
    Map<String, NodeFacts> byName = allNodes.stream()
        .collect(Collectors.toMap(NodeFacts::node, Function.identity(), (a, b) -> a));
    List<String> decidedFor = decided.nodes().stream().map(NodeFacts::node).toList();
    List<PodPlacementStatus> out = new ArrayList<>();
    for (PodOnNode p : pods) {
      NodeFacts n = byName.get(p.node());
      if (n == null || decidedFor.contains(n.node())) {
        continue;
      }
      Visibility there = DecisionEngine.decide(new Inputs(Inputs.Mode.EBPF, decided.fallback(), List.of(n),
          decided.containers(), decided.supported(), decided.observed())).visibility();
      if (rank(there) < rank(decision.visibility())) {
        out.add(new PodPlacementStatus(p.pod(), n.node(), there.name(), lacks(decision.visibility(), there, n)));
      }
    }
    return out;
  }

  /** The report's reason naming the pods that see less, or empty when there are none. */
  public static Optional<ReasonStatus> shortfallReason(List<PodPlacementStatus> shortfalls) {
    if (shortfalls.isEmpty()) {
      return Optional.empty();
    }
    List<String> each = shortfalls.stream().map(s -> s.getPod() + " on " + s.getNode() + " ("
        + (Visibility.NONE.name().equals(s.getL7Visibility()) ? "not observed" : "connections only") + ")").toList();
    return Optional.of(new ReasonStatus(ControllerReasonCode.PODS_ON_INCAPABLE_NODES.name(), shortfalls.size()
        + (shortfalls.size() == 1 ? " pod runs" : " pods run") + " on a node that sees less of it than the "
        + "workload was decided for: " + names(each) + ". podsOnIncapableNodes says what each lacks. Deleting such "
        + "a pod lets the scheduler place it again, preferring a capable node."));
  }

  static String lacks(Visibility promised, Visibility there, NodeFacts n) {
    String node = "node " + n.node() + " (kernel " + n.kernelRelease() + (n.guess() ? ", judged from its version"
        : "") + ")";
    String missing = n.missingForTls().stream().map(Enum::name).collect(Collectors.joining(", "));
    if (there == Visibility.NONE) {
      return (promised == Visibility.FULL ? "its connections and its HTTP" : "its connections") + ": " + node
          + " lacks " + missing + ", so none of this pod's traffic is observed.";
    }
    return "its HTTP (requests and responses: method, path, status, latency): " + node + " cannot read TLS (it "
        + "lacks " + missing + "), so only this pod's connections are seen.";
  }

  /** More is seen at a higher rank; the eBPF path gives FULL, L4_ONLY or NONE. */
  private static int rank(Visibility v) {
    return switch (v) {
      case FULL -> 3;
      case TLS_METADATA_ONLY -> 2;
      case L4_ONLY -> 1;
      case NONE -> 0;
    };
  }

  private static String names(List<String> names) {
    if (names.size() <= NAMES_SHOWN) {
      return String.join(", ", names);
    }
    return String.join(", ", names.subList(0, NAMES_SHOWN)) + " and " + (names.size() - NAMES_SHOWN) + " more";
  }
}
