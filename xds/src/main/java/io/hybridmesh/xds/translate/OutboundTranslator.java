package io.hybridmesh.xds.translate;

import io.hybridmesh.api.net.IpAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.ServiceEndpoint;
import io.hybridmesh.xds.model.ServicePort;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The application's outgoing traffic: {@code virtualOutbound} with one filter chain per (Service, port),
 * matched on the Service's virtual IPs (or, headless, its endpoint IPs) and port; one route configuration
 * per HTTP port with a virtual host per Service; anything else passes through to where it was going.
 */
final class OutboundTranslator {

  private final TranslatorSettings settings;
  private final FilterChains chains;

  OutboundTranslator(TranslatorSettings settings, FilterChains chains) {
    this.settings = settings;
    this.chains = chains;
  }

  Listener listener(SidecarWorkload workload) {
    Listener.Builder listener = Listener.newBuilder()
        .setName(Names.OUTBOUND_LISTENER)
        .setAddress(EnvoyProtos.socketAddress("0.0.0.0", settings.outboundPort()))
        // Hands a redirected connection to a listener bound to its original destination, if one exists;
        // none does today, so virtualOutbound's own chains handle it.
        .setUseOriginalDst(com.google.protobuf.BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addListenerFilters(FilterChains.originalDestination())
        .setDefaultFilterChain(chains.defaultChain(Names.PASSTHROUGH_CLUSTER, Names.PASSTHROUGH_CLUSTER,
            Names.LOG_OUTBOUND_TCP));
    // Envoy refuses a listener where two chains match the same (port, IP). Two headless Services selecting
    // the same pods do exactly that; the first Service in model order keeps the pair.
    Set<String> claimed = new HashSet<>();
    for (MeshService service : workload.services()) {
      for (ServicePort port : service.ports()) {
        List<String> ips = destinationIps(service).stream()
            .filter(ip -> claimed.add(port.port() + "/" + ip))
            .toList();
        if (!ips.isEmpty()) {
          listener.addFilterChains(chain(service, port, ips));
        }
        // else: headless without endpoints yet, or every address taken; passthrough still carries it
      }
    }
    return listener.build();
  }

  private FilterChain chain(MeshService service, ServicePort port, List<String> ips) {
    String cluster = Names.outboundCluster(service, port.port(), settings.clusterDomain());
    String chainName = cluster;
    var match = FilterChains.match(port.port(), ips);
    if (port.protocol().speaksHttp()) {
      return chains.http(chainName, match, "outbound_" + port.port(), Names.outboundRoute(port.port()),
          Names.LOG_OUTBOUND_HTTP, port.protocol());
    }
    return chains.tcp(chainName, match, cluster, cluster, Names.LOG_OUTBOUND_TCP);
  }

  /** One route configuration per HTTP port, virtual hosts in model order, the catch-all last. */
  List<RouteConfiguration> routes(SidecarWorkload workload) {
    Map<Integer, List<VirtualHost>> byPort = new TreeMap<>();
    for (MeshService service : workload.services()) {
      if (destinationIps(service).isEmpty()) {
        continue;
      }
      for (ServicePort port : service.ports()) {
        if (port.protocol().speaksHttp()) {
          byPort.computeIfAbsent(port.port(), p -> new ArrayList<>()).add(virtualHost(workload, service, port));
        }
      }
    }
    List<RouteConfiguration> routes = new ArrayList<>();
    byPort.forEach((port, hosts) -> routes.add(RouteConfiguration.newBuilder()
        .setName(Names.outboundRoute(port))
        .addAllVirtualHosts(hosts)
        // A Host header no Service claims (an IP, an external name) still reaches its original destination.
        .addVirtualHosts(FilterChains.catchAll(Names.PASSTHROUGH_CLUSTER, Names.PASSTHROUGH_CLUSTER))
        .build()));
    return routes;
  }

  /**
   * The names an application may put in the Host header for this Service. Short names only for Services
   * of the workload's own namespace, where DNS search paths make them resolve (and where they are unique).
   */
  private VirtualHost virtualHost(SidecarWorkload workload, MeshService service, ServicePort port) {
    String fqdn = service.fqdn(settings.clusterDomain());
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(fqdn);
    hosts.add(service.name() + "." + service.namespace() + ".svc");
    hosts.add(service.name() + "." + service.namespace());
    if (service.namespace().equals(workload.namespace())) {
      hosts.add(service.name());
    }
    hosts.addAll(service.clusterIps());
    List<String> domains = new ArrayList<>();
    for (String host : hosts) {
      domains.add(host);
      domains.add(IpAddress.withPort(host, port.port()));
    }
    String cluster = Names.outboundCluster(service, port.port(), settings.clusterDomain());
    return VirtualHost.newBuilder()
        .setName(fqdn + ":" + port.port())
        .addAllDomains(domains)
        .addRoutes(FilterChains.routeAll(cluster))
        .build();
  }

  /** What the application dials: the virtual IPs, or for a headless Service every endpoint IP. */
  static List<String> destinationIps(MeshService service) {
    if (!service.headless()) {
      return service.clusterIps();
    }
    return service.ports().stream()
        .flatMap(p -> p.endpoints().stream())
        .map(ServiceEndpoint::ip)
        .sorted()
        .distinct()
        .toList();
  }
}
