package io.hybridmesh.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * How far the uninstall's node cleanup got, from its DaemonSet: each of its pods runs {@code hmesh agent
 * --cleanup} as an init container and is Ready once that succeeded on its node. Pure.
 */
final class NodeCleanupProgress {

  /** Done (every scheduled pod Ready), and the nodes whose pod is not Ready yet. */
  record Verdict(boolean done, int cleaned, int scheduled, List<String> pending) {}

  private NodeCleanupProgress() {}

  static Verdict judge(DaemonSet ds, List<Pod> pods) {
    if (ds == null) {
      return new Verdict(false, 0, 0, List.of());
    }
    DaemonSetStatus s = ds.getStatus();
    long generation = ds.getMetadata().getGeneration() == null ? 0 : ds.getMetadata().getGeneration();
    // The status counts only once the DaemonSet controller has looked at this generation of the object.
    boolean observed = s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= generation;
    int scheduled = s == null || s.getDesiredNumberScheduled() == null ? 0 : s.getDesiredNumberScheduled();
    int ready = s == null || s.getNumberReady() == null ? 0 : s.getNumberReady();
    TreeSet<String> pending = new TreeSet<>();
    for (Pod p : pods) {
      if (!ready(p) && p.getSpec() != null && p.getSpec().getNodeName() != null) {
        pending.add(p.getSpec().getNodeName());
      }
    }
    boolean done = observed && ready >= scheduled && pending.isEmpty();
    return new Verdict(done, Math.min(ready, scheduled), scheduled, List.copyOf(pending));
  }

  private static boolean ready(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return false;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if (Objects.equals(c.getType(), "Ready")) {
        return Objects.equals(c.getStatus(), "True");
      }
    }
    return false;
  }
}
