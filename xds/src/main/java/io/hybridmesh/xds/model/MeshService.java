package io.hybridmesh.xds.model;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Service a sidecar workload talks to. {@code clusterIps} are the virtual IPs the application dials;
 * empty for a headless Service, whose traffic then goes straight to the endpoint IPs.
 */
public record MeshService(String namespace, String name, List<String> clusterIps, List<ServicePort> ports) {

  public MeshService {
    Ports.requireName(namespace, "service namespace");
    Ports.requireName(name, "service name");
    clusterIps = clusterIps.stream().map(ip -> Ports.requireIp(ip, "cluster ip")).sorted().distinct().toList();
    ports = ports.stream().sorted(Comparator.comparingInt(ServicePort::port)).toList();
    Set<Integer> seen = new HashSet<>();
    for (ServicePort p : ports) {
      if (!seen.add(p.port())) {
        throw new IllegalArgumentException("service " + namespace + "/" + name + " lists port " + p.port() + " twice");
      }
    }
  }

  public boolean headless() {
    return clusterIps.isEmpty();
  }

  /** The name the cluster DNS gives it, e.g. {@code reviews.shop.svc.cluster.local}. */
  public String fqdn(String clusterDomain) {
    return name + "." + namespace + ".svc." + clusterDomain;
  }
}
