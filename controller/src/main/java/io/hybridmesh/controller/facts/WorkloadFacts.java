package io.hybridmesh.controller.facts;

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
 * @param problems bad input found while gathering (annotations, NodeCapabilities, tls-probe)
 */
public record WorkloadFacts(WorkloadKnobs knobs, Optional<String> otherMesh, boolean hostNetwork,
    List<AppContainer> containers, List<NodeFacts> nodes, List<Problem> problems) {

  public WorkloadFacts {
    containers = List.copyOf(containers);
    nodes = List.copyOf(nodes);
    problems = List.copyOf(problems);
  }

  /** An application container of the pod template and, once an agent has probed it, its probe. */
  public record AppContainer(String name, String image, ContainerProbe probe) {
    public boolean probed() {
      return probe != null && probe.error() == null;
    }
  }
}
