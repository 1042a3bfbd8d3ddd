package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API server's objects to the agent's plain records. Pure and forgiving: an object with missing parts
 * (a pod not scheduled yet, without IPs or container statuses) gives a record with empty parts, and one
 * without a name gives nothing.
 */
public final class ClusterObjects {

  private ClusterObjects() {}

  /** A pod as the directory keeps it, its owner resolved by {@code owner}; empty without namespace or name. */
  public static Optional<PodInfo> pod(Pod p, PodOwners.Owner owner) {
    ObjectMeta m = p == null ? null : p.getMetadata();
    if (m == null || m.getName() == null || m.getNamespace() == null) {
      return Optional.empty();
    }
    Set<String> ips = new LinkedHashSet<>();
    List<PodInfo.ContainerInfo> containers = new ArrayList<>();
    String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
    String serviceAccount = p.getSpec() == null ? null : p.getSpec().getServiceAccountName();
    if (p.getStatus() != null) {
      if (p.getStatus().getPodIP() != null) {
        ips.add(p.getStatus().getPodIP());
      }
      if (p.getStatus().getPodIPs() != null) {
        p.getStatus().getPodIPs().stream().map(PodIP::getIp).filter(ip -> ip != null).forEach(ips::add);
      }
      // Only the application's containers: an init container has exited (or is a native sidecar, whose
      // process would still be found, but its probe result is not what the annotation describes).
      List<ContainerStatus> statuses = p.getStatus().getContainerStatuses();
      if (statuses != null) {
        for (ContainerStatus s : statuses) {
          if (s != null && s.getName() != null) {
            containers.add(new PodInfo.ContainerInfo(s.getName(), ContainerCgroup.bareId(s.getContainerID()),
                s.getImage()));
          }
        }
      }
    }
    if (containers.isEmpty() && p.getSpec() != null && p.getSpec().getContainers() != null) {
      p.getSpec().getContainers().stream().filter(c -> c.getName() != null)
          .forEach(c -> containers.add(new PodInfo.ContainerInfo(c.getName(), null, c.getImage())));
    }
    return Optional.of(new PodInfo(m.getNamespace(), m.getName(), m.getUid(), node, List.copyOf(ips),
        m.getLabels() == null ? Map.of() : m.getLabels(), owner.kind(), owner.name(), serviceAccount, containers));
  }

  /**
   * A service with the addresses its EndpointSlices name (ready ones only: a flow to an address being
   * drained is still the service's, but names go to what serves it).
   */
  public static Optional<ServiceInfo> service(Service s, List<EndpointSlice> slices) {
    ObjectMeta m = s == null ? null : s.getMetadata();
    if (m == null || m.getName() == null || m.getNamespace() == null) {
      return Optional.empty();
    }
    List<String> vips = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    if (s.getSpec() != null) {
      if (s.getSpec().getClusterIPs() != null) {
        s.getSpec().getClusterIPs().stream().filter(ClusterObjects::isAddress).forEach(vips::add);
      } else if (isAddress(s.getSpec().getClusterIP())) {
        vips.add(s.getSpec().getClusterIP());
      }
      if (s.getSpec().getPorts() != null) {
        s.getSpec().getPorts().stream().map(ServicePort::getPort).filter(p -> p != null).forEach(ports::add);
      }
    }
    List<ServiceInfo.Endpoint> endpoints = new ArrayList<>();
    for (EndpointSlice slice : slices) {
      if (slice.getEndpoints() == null || slice.getPorts() == null) {
        continue;
      }
      for (var e : slice.getEndpoints()) {
        boolean ready = e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady());
        if (!ready || e.getAddresses() == null) {
          continue;
        }
        for (String ip : e.getAddresses()) {
          for (EndpointPort port : slice.getPorts()) {
            if (port.getPort() != null) {
              endpoints.add(new ServiceInfo.Endpoint(ip, port.getPort()));
            }
          }
        }
      }
    }
    return Optional.of(new ServiceInfo(m.getNamespace(), m.getName(), vips, ports, endpoints));
  }

  /** "None" (headless) and "" are not addresses. */
  private static boolean isAddress(String ip) {
    return ip != null && !ip.isEmpty() && !"None".equals(ip);
  }
}
