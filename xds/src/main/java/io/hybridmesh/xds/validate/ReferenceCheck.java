package io.hybridmesh.xds.validate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.hybridmesh.xds.translate.SidecarResources;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What Envoy would reject or silently break on across resources: a listener or route naming a cluster that
 * does not exist, an HCM naming a route configuration nobody serves, an EDS cluster without endpoints, a
 * port out of range, two resources or filter chains of one name, two chains with the same match.
 * java-control-plane's own {@code ensureConsistent()} only knows the legacy HCM filter name, so it is no
 * substitute.
 */
final class ReferenceCheck {

  private final SidecarResources resources;
  private final Set<String> clusters = new HashSet<>();
  private final Set<String> routes = new HashSet<>();
  private final Consumer<String> errors;

  ReferenceCheck(SidecarResources resources, Set<String> staticClusters, Consumer<String> errors) {
    this.resources = resources;
    this.errors = errors;
    clusters.addAll(staticClusters);
    unique("cluster", resources.clusters().stream().map(Cluster::getName).toList(), clusters);
    unique("route configuration", resources.routes().stream().map(RouteConfiguration::getName).toList(), routes);
    unique("listener", resources.listeners().stream().map(Listener::getName).toList(), new HashSet<>());
  }

  void run() {
    Set<String> assigned = new HashSet<>();
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      if (!assigned.add(cla.getClusterName())) {
        errors.accept("load assignment for " + cla.getClusterName() + " listed twice");
      }
      for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
        for (LbEndpoint e : locality.getLbEndpointsList()) {
          port(e.getEndpoint().getAddress(), "endpoint of " + cla.getClusterName());
        }
      }
    }
    for (Cluster c : resources.clusters()) {
      if (c.getType() == Cluster.DiscoveryType.EDS && !assigned.contains(edsName(c))) {
        errors.accept("EDS cluster " + c.getName() + " has no load assignment");
      }
    }
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      boolean owned = resources.clusters().stream()
          .anyMatch(c -> c.getType() == Cluster.DiscoveryType.EDS && edsName(c).equals(cla.getClusterName()));
      if (!owned) {
        errors.accept("load assignment " + cla.getClusterName() + " belongs to no EDS cluster");
      }
    }
    resources.listeners().forEach(this::listener);
    resources.routes().forEach(r -> routeConfiguration(r, "route configuration " + r.getName()));
  }

  private static String edsName(Cluster c) {
    String serviceName = c.getEdsClusterConfig().getServiceName();
    return serviceName.isEmpty() ? c.getName() : serviceName;
  }

  private void listener(Listener listener) {
    String where = "listener " + listener.getName();
    if (listener.hasApiListener()) {
      hcm(listener.getApiListener().getApiListener(), where + " api_listener");
      return;
    }
    port(listener.getAddress(), where);
    Set<String> names = new HashSet<>();
    Set<Object> matches = new HashSet<>();
    for (FilterChain chain : listener.getFilterChainsList()) {
      if (!names.add(chain.getName())) {
        errors.accept(where + ": filter chain name " + chain.getName() + " used twice");
      }
      if (!matches.add(chain.getFilterChainMatch())) {
        errors.accept(where + ": filter chain " + chain.getName() + " has the same match as another chain");
      }
      int port = chain.getFilterChainMatch().hasDestinationPort()
          ? chain.getFilterChainMatch().getDestinationPort().getValue() : 1;
      if (port < 1 || port > 65535) {
        errors.accept(where + ": filter chain " + chain.getName() + " matches port " + port);
      }
      filterChain(chain, where);
    }
    if (listener.hasDefaultFilterChain()) {
      filterChain(listener.getDefaultFilterChain(), where + " default chain");
    }
  }

  private void filterChain(FilterChain chain, String where) {
    String at = where + " chain " + chain.getName();
    if (chain.getFiltersCount() == 0) {
      errors.accept(at + ": has no filters");
    }
    for (Filter filter : chain.getFiltersList()) {
      Any config = filter.getTypedConfig();
      if (config.is(HttpConnectionManager.class)) {
        hcm(config, at);
      } else if (config.is(TcpProxy.class)) {
        TcpProxy proxy = unpack(config, TcpProxy.class, at);
        if (proxy != null) {
          cluster(proxy.getCluster(), at);
          proxy.getAccessLogList().forEach(log -> accessLog(log, at));
        }
      } else {
        errors.accept(at + ": filter " + filter.getName() + " has an unexpected config " + config.getTypeUrl());
      }
    }
  }

  private void hcm(Any config, String at) {
    HttpConnectionManager hcm = unpack(config, HttpConnectionManager.class, at);
    if (hcm == null) {
      return;
    }
    if (hcm.hasRds() && !routes.contains(hcm.getRds().getRouteConfigName())) {
      errors.accept(at + ": route configuration " + hcm.getRds().getRouteConfigName() + " does not exist");
    }
    if (hcm.hasRouteConfig()) {
      routeConfiguration(hcm.getRouteConfig(), at + " inline routes");
    }
    if (hcm.getHttpFiltersCount() == 0) {
      errors.accept(at + ": HTTP connection manager without filters (a router is needed)");
    }
    hcm.getAccessLogList().forEach(log -> accessLog(log, at));
  }

  private void routeConfiguration(RouteConfiguration config, String at) {
    Set<String> domains = new HashSet<>();
    for (VirtualHost host : config.getVirtualHostsList()) {
      for (String domain : host.getDomainsList()) {
        if (!domains.add(domain)) {
          errors.accept(at + ": domain " + domain + " claimed by two virtual hosts");
        }
      }
      for (Route route : host.getRoutesList()) {
        if (!route.hasRoute()) {
          continue;
        }
        if (route.getRoute().hasWeightedClusters()) {
          for (WeightedCluster.ClusterWeight w : route.getRoute().getWeightedClusters().getClustersList()) {
            cluster(w.getName(), at);
          }
        } else {
          cluster(route.getRoute().getCluster(), at + " virtual host " + host.getName());
        }
      }
    }
  }

  private void accessLog(AccessLog log, String at) {
    Any config = log.getTypedConfig();
    CommonGrpcAccessLogConfig common = null;
    if (config.is(HttpGrpcAccessLogConfig.class)) {
      HttpGrpcAccessLogConfig http = unpack(config, HttpGrpcAccessLogConfig.class, at);
      common = http == null ? null : http.getCommonConfig();
    } else if (config.is(TcpGrpcAccessLogConfig.class)) {
      TcpGrpcAccessLogConfig tcp = unpack(config, TcpGrpcAccessLogConfig.class, at);
      common = tcp == null ? null : tcp.getCommonConfig();
    } else {
      errors.accept(at + ": access log " + log.getName() + " is not a gRPC access log");
    }
    if (common != null) {
      cluster(common.getGrpcService().getEnvoyGrpc().getClusterName(), at + " access log " + common.getLogName());
    }
  }

  private void cluster(String name, String at) {
    if (!clusters.contains(name)) {
      errors.accept(at + ": cluster " + name + " does not exist");
    }
  }

  private void port(Address address, String at) {
    int port = address.getSocketAddress().getPortValue();
    if (port < 1 || port > 65535) {
      errors.accept(at + ": port " + port + " out of range");
    }
  }

  private <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type, String at) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      errors.accept(at + ": typed config does not unpack as " + type.getSimpleName() + ": " + e.getMessage());
      return null;
    }
  }

  private void unique(String kind, List<String> names, Set<String> into) {
    for (String name : names) {
      if (name.isEmpty()) {
        errors.accept(kind + " without a name");
      } else if (!into.add(name)) {
        errors.accept(kind + " " + name + " defined twice");
      }
    }
  }
}
