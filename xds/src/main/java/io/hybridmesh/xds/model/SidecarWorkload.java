package io.hybridmesh.xds.model;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A workload on the sidecar data path: every pod of it gets the same Envoy configuration (one snapshot per
 * workload). {@code podIps} are the current pods' addresses, kept for identity, not for routing.
 */
public record SidecarWorkload(
    String namespace, String name, List<String> podIps, List<InboundPort> inboundPorts,
    List<MeshService> services) {

  public SidecarWorkload {
    Ports.requireName(namespace, "workload namespace");
    Ports.requireName(name, "workload name");
    podIps = podIps.stream().map(ip -> Ports.requireIp(ip, "pod ip")).sorted().distinct().toList();
    inboundPorts = inboundPorts.stream().sorted(Comparator.comparingInt(InboundPort::port)).toList();
    Set<Integer> seen = new HashSet<>();
    for (InboundPort p : inboundPorts) {
      if (!seen.add(p.port())) {
        throw new IllegalArgumentException("workload " + namespace + "/" + name + " lists inbound port "
            + p.port() + " twice");
      }
    }
    services = services.stream()
        .sorted(Comparator.comparing(MeshService::namespace).thenComparing(MeshService::name))
        .toList();
  }
}
