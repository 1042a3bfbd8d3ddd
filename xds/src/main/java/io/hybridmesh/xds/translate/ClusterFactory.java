package io.hybridmesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.ServiceEndpoint;
import io.hybridmesh.xds.model.ServicePort;

/** Clusters and load assignments. Observe-only: no retries, no outlier detection, no policy. */
final class ClusterFactory {

  /**
   * Inbound traffic leaves Envoy from this address so that the pod's iptables OUTPUT rules (which skip
   * 127.0.0.6) do not capture it a second time, as in Istio's capture pattern.
   */
  static final String INBOUND_SOURCE_ADDRESS = "127.0.0.6";

  private final TranslatorSettings settings;

  ClusterFactory(TranslatorSettings settings) {
    this.settings = settings;
  }

  /** Where traffic to destinations the model does not know goes: on to its original destination. */
  Cluster passthrough() {
    return originalDestination(Names.PASSTHROUGH_CLUSTER)
        .putTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY,
            EnvoyProtos.downstreamProtocolUpstream())
        .build();
  }

  Cluster inboundPassthrough() {
    return originalDestination(Names.INBOUND_PASSTHROUGH_CLUSTER)
        .setUpstreamBindConfig(inboundBind())
        .build();
  }

  /** One per declared inbound port: its name tells the port in logs; HTTP/2 and gRPC ports get h2 upstream. */
  Cluster inbound(InboundPort port) {
    Cluster.Builder cluster = originalDestination(Names.inboundCluster(port.port()))
        .setUpstreamBindConfig(inboundBind());
    if (port.protocol().needsHttp2Upstream()) {
      cluster.putTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY, EnvoyProtos.http2Upstream());
    }
    return cluster.build();
  }

  Cluster outbound(MeshService service, ServicePort port) {
    Cluster.Builder cluster = Cluster.newBuilder()
        .setName(Names.outboundCluster(service, port.port(), settings.clusterDomain()))
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(EnvoyProtos.ads()))
        .setConnectTimeout(EnvoyProtos.duration(settings.connectTimeout()))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    if (port.protocol().needsHttp2Upstream()) {
      cluster.putTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY, EnvoyProtos.http2Upstream());
    }
    return cluster.build();
  }

  /** Not-ready endpoints stay listed as unhealthy: visible in Envoy's admin output, but given no traffic. */
  ClusterLoadAssignment loadAssignment(MeshService service, ServicePort port) {
    LocalityLbEndpoints.Builder locality = LocalityLbEndpoints.newBuilder();
    for (ServiceEndpoint e : port.endpoints()) {
      locality.addLbEndpoints(LbEndpoint.newBuilder()
          .setEndpoint(Endpoint.newBuilder().setAddress(EnvoyProtos.socketAddress(e.ip(), e.port())))
          .setHealthStatus(e.ready() ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY));
    }
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(Names.outboundCluster(service, port.port(), settings.clusterDomain()))
        .addEndpoints(locality)
        .build();
  }

  private Cluster.Builder originalDestination(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setConnectTimeout(EnvoyProtos.duration(settings.connectTimeout()));
  }

  private static BindConfig inboundBind() {
    return BindConfig.newBuilder()
        .setSourceAddress(SocketAddress.newBuilder().setAddress(INBOUND_SOURCE_ADDRESS).setPortValue(0))
        .build();
  }
}
