package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.Node;
import io.hybridmesh.api.kernel.KernelVersionJudge;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.knobs.Problem;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A node's kernel facts: its agent's NodeCapability when there is a usable one, else a guess from the
 * kubelet's {@code nodeInfo.kernelVersion}. Pure. A NodeCapability with garbage never breaks a decision:
 * unknown feature names are ignored, and one with nothing usable is replaced by the guess, with a problem.
 */
public final class NodeFactsReader {

  private NodeFactsReader() {}

  public record Read(NodeFacts facts, List<Problem> problems) {}

  /**
   * @param capability the node's NodeCapability, or null
   * @param node the Node, or null (a NodeCapability for a node that is gone still counts)
   */
  public static Read read(String name, NodeCapability capability, Node node) {
    List<Problem> problems = new ArrayList<>();
    if (capability != null) {
      NodeCapabilitySpec spec = capability.getSpec();
      Set<KernelFeature> features = EnumSet.noneOf(KernelFeature.class);
      List<String> unknown = new ArrayList<>();
      if (spec != null && spec.getFeatures() != null) {
        for (String f : spec.getFeatures()) {
          try {
            features.add(KernelFeature.valueOf(f.trim()));
          } catch (RuntimeException e) {
            unknown.add(String.valueOf(f));
          }
        }
      }
      if (spec != null && Boolean.TRUE.equals(spec.getBtf())) {
        features.add(KernelFeature.BTF);
      }
      String release = spec == null ? null : spec.getKernelRelease();
      boolean usable = spec != null && release != null && !release.isBlank() && !features.isEmpty();
      if (usable) {
        if (!unknown.isEmpty()) {
          problems.add(new Problem(Problem.UNREADABLE_NODE_CAPABILITY, "NodeCapability " + name
              + " names features this controller does not know (" + String.join(", ", unknown) + "); they are "
              + "ignored. Upgrade the controller to the agent's version (" + spec.getAgentVersion() + ")."));
        }
        return new Read(new NodeFacts(name, release.trim(), features, false, uprobeCost(spec.getUprobeCost())),
            problems);
      }
      problems.add(new Problem(Problem.UNREADABLE_NODE_CAPABILITY, "NodeCapability " + name + " has no usable "
          + "kernel release or features" + (unknown.isEmpty() ? "" : " (unknown: " + String.join(", ", unknown) + ")")
          + "; the node is judged from its kernel version until its agent writes a valid one. Check the "
          + "agent on that node (its logs, and that its version matches the controller's)."));
    }
    String kernel = node == null || node.getStatus() == null || node.getStatus().getNodeInfo() == null ? null
        : node.getStatus().getNodeInfo().getKernelVersion();
    Set<KernelFeature> guessed = KernelVersionJudge.judge(kernel);
    return new Read(new NodeFacts(name, kernel == null || kernel.isBlank() ? "unknown" : kernel.trim(), guessed,
        true, UprobePairCost.notMeasured("no agent has measured it on this node yet")), problems);
  }

  /** Longer than any uprobe pair takes, even single-stepped on a busy KVM guest (~14 µs measured). */
  static final long MAX_PAIR_NS = 10_000_000;

  /**
   * The measured entry+return pair costs. A value that is no time a uprobe can take (zero, negative, over
   * {@link #MAX_PAIR_NS}) is dropped as not measured rather than believed.
   */
  public static UprobePairCost uprobeCost(UprobeHitCost cost) {
    if (cost == null) {
      return UprobePairCost.notMeasured("the node's agent did not report it (an agent older than the measurement)");
    }
    Long emulated = plausible(cost.getEmulatedPairNs());
    Long stepped = plausible(cost.getSingleSteppedPairNs());
    String note = cost.getNote();
    boolean dropped = emulated == null && cost.getEmulatedPairNs() != null
        || stepped == null && cost.getSingleSteppedPairNs() != null;
    if (dropped) {
      note = (note == null ? "" : note + "; ") + "the NodeCapability names a pair cost no uprobe can have ("
          + cost.getEmulatedPairNs() + " ns emulated, " + cost.getSingleSteppedPairNs() + " ns single-stepped)";
    } else if (note == null && (emulated == null || stepped == null)) {
      note = "the node's agent gave no reason";
    }
    return new UprobePairCost(emulated, stepped, note);
  }

  private static Long plausible(Long ns) {
    return ns != null && ns > 0 && ns <= MAX_PAIR_NS ? ns : null;
  }
}
