package io.hybridmesh.xds.server;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Optional;

/**
 * The sidecars that share one snapshot: every pod of one workload. A sidecar's node id is
 * {@code <pod>.<namespace>} and its node cluster the workload's name (the bootstrap sets both); namespaces
 * are DNS labels without dots, so the namespace is what follows the last dot, whatever the pod name holds.
 */
public record SidecarGroup(String namespace, String workload) {

  /** Where the cache puts nodes it cannot place; nothing is ever published for it. */
  static final SidecarGroup UNPLACED = new SidecarGroup("", "");

  /** java-control-plane hashes every request's node with this; requests carry the node every time. */
  public static final NodeGroup<SidecarGroup> NODE_GROUP = node -> of(node).orElse(UNPLACED);

  public static Optional<SidecarGroup> of(Node node) {
    String id = node.getId();
    int dot = id.lastIndexOf('.');
    if (dot <= 0 || dot == id.length() - 1 || node.getCluster().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SidecarGroup(id.substring(dot + 1), node.getCluster()));
  }

  /** The node id the bootstrap gives a pod's sidecar. */
  public static String nodeId(String pod, String namespace) {
    return pod + "." + namespace;
  }

  @Override
  public String toString() {
    return namespace + "/" + workload;
  }
}
