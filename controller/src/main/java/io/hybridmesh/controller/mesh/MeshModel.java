package io.hybridmesh.controller.mesh;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.ServiceEndpoint;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mesh model the xDS translator takes, built from cluster objects: the Services sidecars route to
 * (ports and protocols, ready endpoints from EndpointSlices) and each sidecar workload's own pods and
 * inbound ports. Pure; objects that cannot be modelled (no cluster IP, a port out of range, a garbled
 * address) are left out and named in {@link Result#skipped()}, never thrown.
 */
public final class MeshModel {

  private MeshModel() {}

  public record Result(List<MeshService> services, List<String> skipped) {}

  /** Every Service with a cluster IP, with the ready endpoints of its EndpointSlices per port. */
  public static Result services(List<Service> services, List<EndpointSlice> slices) {
    Map<String, List<EndpointSlice>> byService = new LinkedHashMap<>();
    for (EndpointSlice s : slices) {
      String name = s.getMetadata().getLabels() == null ? null
          : s.getMetadata().getLabels().get("kubernetes.io/service-name");
      if (name != null) {
        byService.computeIfAbsent(s.getMetadata().getNamespace() + "/" + name, k -> new ArrayList<>()).add(s);
      }
    }
    List<MeshService> out = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Service svc : services) {
      String key = svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName();
      try {
        List<String> ips = svc.getSpec() == null || svc.getSpec().getClusterIPs() == null ? List.of()
            : svc.getSpec().getClusterIPs().stream().filter(ip -> !"None".equals(ip)).toList();
        List<io.hybridmesh.xds.model.ServicePort> ports = new ArrayList<>();
        if (svc.getSpec() != null && svc.getSpec().getPorts() != null) {
          for (ServicePort p : svc.getSpec().getPorts()) {
            if (!"TCP".equals(p.getProtocol() == null ? "TCP" : p.getProtocol())) {
              continue; // UDP and SCTP pass the sidecar untouched
            }
            ports.add(new io.hybridmesh.xds.model.ServicePort(p.getName(), p.getPort(),
                Protocol.declared(p.getAppProtocol(), p.getName()), endpoints(byService.getOrDefault(key, List.of()), p)));
          }
        }
        if (!ports.isEmpty()) {
          out.add(new MeshService(svc.getMetadata().getNamespace(), svc.getMetadata().getName(), ips, ports));
        }
      } catch (IllegalArgumentException | NullPointerException e) {
        skipped.add("service " + key + ": " + e.getMessage());
      }
    }
    return new Result(out, skipped);
  }

  private static List<ServiceEndpoint> endpoints(List<EndpointSlice> slices, ServicePort servicePort) {
    List<ServiceEndpoint> out = new ArrayList<>();
    for (EndpointSlice slice : slices) {
      if (slice.getPorts() == null || slice.getEndpoints() == null) {
        continue;
      }
      for (EndpointPort ep : slice.getPorts()) {
        boolean same = servicePort.getName() == null || servicePort.getName().isEmpty()
            ? slice.getPorts().size() == 1 : servicePort.getName().equals(ep.getName());
        if (!same || ep.getPort() == null) {
          continue;
        }
        for (Endpoint e : slice.getEndpoints()) {
          boolean ready = e.getConditions() == null || e.getConditions().getReady() == null
              || e.getConditions().getReady();
          if (e.getAddresses() != null) {
            e.getAddresses().forEach(a -> out.add(new ServiceEndpoint(a, ep.getPort(), ready)));
          }
        }
      }
    }
    return out;
  }

  /**
   * One sidecar workload: its running pods' addresses and the ports its application containers listen on
   * (the injected proxy and init containers aside), with the protocol a Service declares for that port.
   */
  public static Optional<SidecarWorkload> workload(String namespace, String name, List<Pod> pods,
      List<MeshService> services) {
    List<String> ips = new ArrayList<>();
    Map<Integer, InboundPort> inbound = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (pod.getStatus() != null && pod.getStatus().getPodIPs() != null) {
        pod.getStatus().getPodIPs().stream().map(PodIP::getIp).filter(ip -> ip != null && !ip.isEmpty())
            .forEach(ips::add);
      }
      if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
        continue;
      }
      pod.getSpec().getContainers().stream()
          .filter(c -> !SidecarInjector.PROXY.equals(c.getName()) && c.getPorts() != null)
          .flatMap(c -> c.getPorts().stream())
          .filter(p -> p.getContainerPort() != null && !"UDP".equals(p.getProtocol()) && !"SCTP".equals(p.getProtocol()))
          .forEach(p -> inbound.putIfAbsent(p.getContainerPort(),
              new InboundPort(p.getContainerPort(), declared(namespace, p, services))));
    }
    try {
      return Optional.of(new SidecarWorkload(namespace, name, ips, List.copyOf(inbound.values()), services));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Protocol declared(String namespace, ContainerPort port, List<MeshService> services) {
    for (MeshService s : services) {
      if (!s.namespace().equals(namespace)) {
        continue;
      }
      for (io.hybridmesh.xds.model.ServicePort sp : s.ports()) {
        if (sp.endpoints().stream().anyMatch(e -> e.port() == port.getContainerPort())) {
          return sp.protocol();
        }
      }
    }
    return Protocol.declared(null, port.getName());
  }

  /**
   * The workload a pod belongs to, by its owner: a ReplicaSet named {@code <deployment>-<hash>} belongs
   * to that Deployment; StatefulSets and DaemonSets own their pods directly.
   */
  public static Optional<String[]> owner(Pod pod) {
    List<OwnerReference> owners = pod.getMetadata().getOwnerReferences();
    if (owners == null) {
      return Optional.empty();
    }
    for (OwnerReference o : owners) {
      if (!Boolean.TRUE.equals(o.getController())) {
        continue;
      }
      switch (o.getKind()) {
        case "ReplicaSet" -> {
          int dash = o.getName().lastIndexOf('-');
          return Optional.of(new String[] {"Deployment", dash > 0 ? o.getName().substring(0, dash) : o.getName()});
        }
        case "StatefulSet", "DaemonSet" -> {
          return Optional.of(new String[] {o.getKind(), o.getName()});
        }
        default -> {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }
}
