package io.hybridmesh.agent.kubernetes;

import java.util.List;
import java.util.Map;

/**
 * What the agent needs to know of a pod on its node, taken from the Kubernetes API (the shell converts
 * the API's objects; everything here is plain data so the lookups can be tested without a cluster).
 *
 * @param ownerKind the top owner's kind (Deployment, StatefulSet, DaemonSet, Job, ...) or empty
 * @param ownerName the top owner's name (a ReplicaSet resolved to its Deployment) or the pod's own name
 */
public record PodInfo(String namespace, String name, String uid, String nodeName, List<String> ips,
    Map<String, String> labels, String ownerKind, String ownerName, String serviceAccount,
    List<ContainerInfo> containers) {

  public PodInfo {
    ips = List.copyOf(ips);
    labels = Map.copyOf(labels);
    containers = List.copyOf(containers);
  }

  /** A container of the pod; {@code id} is the bare runtime id, or null while it is not running. */
  public record ContainerInfo(String name, String id, String image) {}

  public String key() {
    return namespace + "/" + name;
  }
}
