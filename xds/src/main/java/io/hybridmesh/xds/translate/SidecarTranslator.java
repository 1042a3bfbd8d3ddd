package io.hybridmesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.ServicePort;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.ArrayList;
import java.util.List;

/**
 * Mesh model to Envoy resources for one sidecar workload. Pure: no I/O, no clock, no randomness; the same
 * workload always gives byte-identical resources, which is what makes content-hash versions work.
 */
public final class SidecarTranslator {

  private final ClusterFactory clusters;
  private final OutboundTranslator outbound;
  private final InboundTranslator inbound;

  public SidecarTranslator(TranslatorSettings settings) {
    FilterChains chains = new FilterChains(settings);
    this.clusters = new ClusterFactory(settings);
    this.outbound = new OutboundTranslator(settings, chains);
    this.inbound = new InboundTranslator(settings, chains, clusters);
  }

  public SidecarResources translate(SidecarWorkload workload) {
    List<Cluster> clusterList = new ArrayList<>();
    List<ClusterLoadAssignment> assignments = new ArrayList<>();
    clusterList.add(clusters.passthrough());
    clusterList.add(clusters.inboundPassthrough());
    clusterList.addAll(inbound.clusters(workload));
    for (MeshService service : workload.services()) {
      if (OutboundTranslator.destinationIps(service).isEmpty()) {
        continue; // no chain can reach it, so no cluster either
      }
      for (ServicePort port : service.ports()) {
        clusterList.add(clusters.outbound(service, port));
        assignments.add(clusters.loadAssignment(service, port));
      }
    }
    List<RouteConfiguration> routes = new ArrayList<>(outbound.routes(workload));
    routes.addAll(inbound.routes(workload));
    return new SidecarResources(clusterList, assignments,
        List.of(outbound.listener(workload), inbound.listener(workload)), routes);
  }
}
