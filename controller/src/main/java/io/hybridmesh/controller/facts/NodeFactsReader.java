package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.Node;
import io.hybridmesh.api.kernel.KernelVersionJudge;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.controller.decision.NodeFacts;
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
        return new Read(new NodeFacts(name, release.trim(), features, false), problems);
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
        true), problems);
  }
}
