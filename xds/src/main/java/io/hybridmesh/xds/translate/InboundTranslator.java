package io.hybridmesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.List;

/**
 * Traffic arriving at the pod: {@code virtualInbound} with a chain per declared port, each forwarding to the
 * application on the same port (original destination) from 127.0.0.6; undeclared ports pass through as TCP.
 */
final class InboundTranslator {

  private final TranslatorSettings settings;
  private final FilterChains chains;
  private final ClusterFactory clusters;

  InboundTranslator(TranslatorSettings settings, FilterChains chains, ClusterFactory clusters) {
    this.settings = settings;
    this.chains = chains;
    this.clusters = clusters;
  }

  Listener listener(SidecarWorkload workload) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(Names.INBOUND_LISTENER)
        .setAddress(EnvoyProtos.socketAddress("0.0.0.0", settings.inboundPort()))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addListenerFilters(FilterChains.originalDestination())
        .setDefaultFilterChain(chains.defaultChain(Names.INBOUND_PASSTHROUGH_CLUSTER,
            Names.INBOUND_PASSTHROUGH_CLUSTER, Names.LOG_INBOUND_TCP));
    for (InboundPort port : workload.inboundPorts()) {
      String cluster = Names.inboundCluster(port.port());
      // Any destination IP: the pod's own addresses change with every restart, the port does not.
      var match = FilterChains.match(port.port(), List.of());
      listener.addFilterChains(port.protocol().speaksHttp()
          ? chains.http(cluster, match, "inbound_" + port.port(), Names.inboundRoute(port.port()),
              Names.LOG_INBOUND_HTTP, port.protocol())
          : chains.tcp(cluster, match, cluster, cluster, Names.LOG_INBOUND_TCP));
    }
    return listener.build();
  }

  List<Cluster> clusters(SidecarWorkload workload) {
    return workload.inboundPorts().stream().map(clusters::inbound).toList();
  }

  List<RouteConfiguration> routes(SidecarWorkload workload) {
    return workload.inboundPorts().stream()
        .filter(p -> p.protocol().speaksHttp())
        .map(p -> RouteConfiguration.newBuilder()
            .setName(Names.inboundRoute(p.port()))
            .addVirtualHosts(FilterChains.catchAll(Names.inboundCluster(p.port()), Names.inboundCluster(p.port())))
            .build())
        .toList();
  }
}
