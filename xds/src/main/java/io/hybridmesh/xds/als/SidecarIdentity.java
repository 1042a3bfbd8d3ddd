package io.hybridmesh.xds.als;

import java.util.List;

/**
 * Who a sidecar's application is: what an access-log entry cannot say itself, since Envoy sees its own
 * loopback addresses and knows the pod only by the node id.
 *
 * @param nodeName the Kubernetes node the pod runs on (the flow's node_name)
 * @param podIps the pod's addresses, which replace Envoy's 127.0.0.1 / 127.0.0.6 in flows; a sidecar stream
 *     must come from one of them
 * @param serviceAccount the pod's service account, whose token a sidecar may present ("" when unknown)
 * @param hostNetwork the pod shares its node's network, so its address proves nothing about who calls
 */
public record SidecarIdentity(String namespace, String pod, String workload, String workloadKind, String nodeName,
    List<String> podIps, String serviceAccount, boolean hostNetwork) {

  public SidecarIdentity {
    podIps = List.copyOf(podIps);
    serviceAccount = serviceAccount == null ? "" : serviceAccount;
  }

  /** A pod network pod of the default service account. */
  public SidecarIdentity(String namespace, String pod, String workload, String workloadKind, String nodeName,
      List<String> podIps) {
    this(namespace, pod, workload, workloadKind, nodeName, podIps, "default", false);
  }
}
