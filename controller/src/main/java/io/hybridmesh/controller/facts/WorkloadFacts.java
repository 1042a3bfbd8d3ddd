package io.hybridmesh.controller.facts;

import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import java.util.List;
import java.util.Optional;

/**
 * Everything one decision about a workload rests on, gathered from the cluster.
 *
 * @param otherMesh what shows the workload is in Istio or Linkerd, if it is
 * @param hostNetwork its pods share the node's network, where a traffic redirector must never go
 * @param nodes every node the pods may be scheduled on, and every node they are on
 * @param pods where each live pod of the workload runs
 * @param problems bad input found while gathering (annotations, NodeCapabilities, tls-probe)
 */
public record WorkloadFacts(WorkloadKnobs knobs, Optional<String> otherMesh, boolean hostNetwork,
    List<AppContainer> containers, List<NodeFacts> nodes, List<PodOnNode> pods, List<Problem> problems,
    ObservedPorts observedPorts) {

  public WorkloadFacts {
    containers = List.copyOf(containers);
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
    problems = List.copyOf(problems);
    observedPorts = observedPorts == null ? ObservedPorts.NONE : observedPorts;
  }

  /** Facts with nothing observed of the pods' connections yet. */
  public WorkloadFacts(WorkloadKnobs knobs, Optional<String> otherMesh, boolean hostNetwork,
      List<AppContainer> containers, List<NodeFacts> nodes, List<PodOnNode> pods, List<Problem> problems) {
    this(knobs, otherMesh, hostNetwork, containers, nodes, pods, problems, ObservedPorts.NONE);
  }

  /** Facts without pods on nodes (no pod scheduled yet). */
  public WorkloadFacts(WorkloadKnobs knobs, Optional<String> otherMesh, boolean hostNetwork,
      List<AppContainer> containers, List<NodeFacts> nodes, List<Problem> problems) {
    this(knobs, otherMesh, hostNetwork, containers, nodes, List.of(), problems);
  }

  /** A pod of the workload and the node it was scheduled on. */
  public record PodOnNode(String pod, String node) {}

  /** An application container of the pod template and, once an agent has probed it, its probe. */
  public record AppContainer(String name, String image, ContainerProbe probe) {
    public boolean probed() {
      return probe != null && probe.error() == null;
    }
  }
}
