package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import java.util.List;
import java.util.Optional;

/**
 * What the controller reads about the cluster beyond the workload itself. Backed by informer caches in the
 * operator and by plain lists in unit tests, so gathering facts needs no API server.
 */
public interface ClusterView {

  Optional<Namespace> namespace(String name);

  /** The pods in the namespace that the selector matches. */
  List<Pod> pods(String namespace, LabelSelector selector);

  List<Node> nodes();

  Optional<Node> node(String name);

  Optional<NodeCapability> nodeCapability(String node);
}
