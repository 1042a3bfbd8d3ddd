package io.hybridmesh.xds.als;

import java.util.List;

/**
 * Who a sidecar's application is: what an access-log entry cannot say itself, since Envoy sees its own
 * loopback addresses and knows the pod only by the node id.
 *
 * @param nodeName the Kubernetes node the pod runs on (the flow's node_name)
 * @param podIps the pod's addresses, which replace Envoy's 127.0.0.1 / 127.0.0.6 in flows
 */
public record SidecarIdentity(
    String namespace, String pod, String workload, String workloadKind, String nodeName, List<String> podIps) {

  public SidecarIdentity {
    podIps = List.copyOf(podIps);
  }
}
