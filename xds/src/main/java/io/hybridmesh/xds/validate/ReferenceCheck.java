package io.hybridmesh.xds.validate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a sidecar's bootstrap and the resources it is served say about each other (pure): every cluster
 * named anywhere (gRPC access loggers, routes, tcp_proxy, ADS and other config sources) is a static cluster
 * of the bootstrap or a served one; every route configuration an HTTP connection manager asks RDS for is
 * served; every EDS cluster has its load assignment; a config source over ADS has an ADS stream to use.
 * Also what Envoy refuses across resources of one kind: a name used twice, two filter chains with one match,
 * a port out of range. java-control-plane's own {@code ensureConsistent()} only knows the legacy HCM filter
 * name and nothing of the bootstrap, so it is no substitute.
 *
 * <p>Checking the two together is the point: a listener is only as good as the clusters the sidecar that
 * loads it was started with.
 */
public final class ReferenceCheck {

  private final Bootstrap bootstrap;
  private final SidecarResources resources;
  private final Set<String> staticClusters = new LinkedHashSet<>();
  private final Set<String> servedClusters = new HashSet<>();
  private final Set<String> routes = new HashSet<>();
  private final List<ConfigProblem> problems = new ArrayList<>();

  private ReferenceCheck(Bootstrap bootstrap, SidecarResources resources) {
    this.bootstrap = bootstrap;
    this.resources = resources;
  }

  /** Every problem found, in a stable order; empty when the sidecar could load all of it. */
  public static List<ConfigProblem> check(Bootstrap bootstrap, SidecarResources resources) {
    ReferenceCheck check = new ReferenceCheck(bootstrap, resources);
    check.run();
    return List.copyOf(check.problems);
  }

  private void run() {
    names();
    Bootstrap.DynamicResources dynamic = bootstrap.getDynamicResources();
    if (dynamic.hasAdsConfig()) {
      apiConfigSource(dynamic.getAdsConfig(), "bootstrap dynamic_resources.ads_config");
    }
    if (dynamic.hasCdsConfig()) {
      configSource(dynamic.getCdsConfig(), "bootstrap dynamic_resources.cds_config");
    }
    if (dynamic.hasLdsConfig()) {
      configSource(dynamic.getLdsConfig(), "bootstrap dynamic_resources.lds_config");
    }
    endpoints();
    ListenerCheck listeners = new ListenerCheck(this);
    resources.listeners().forEach(listeners::listener);
    resources.routes().forEach(r -> routeConfiguration(r, "route configuration " + r.getName(), false));
  }

  private void names() {
    unique("static cluster", "bootstrap", bootstrap.getStaticResources().getClustersList().stream()
        .map(Cluster::getName).toList(), staticClusters);
    for (Cluster c : resources.clusters()) {
      if (staticClusters.contains(c.getName())) {
        problem(Kind.DUPLICATE_NAME, "cluster " + c.getName(), c.getName(), "has the name of a static cluster of "
            + "the bootstrap; Envoy does not let CDS replace a static cluster, so the served one is refused");
      }
    }
    unique("cluster", "CDS", resources.clusters().stream().map(Cluster::getName)
        .filter(n -> !staticClusters.contains(n)).toList(), servedClusters);
    unique("route configuration", "RDS", resources.routes().stream().map(RouteConfiguration::getName).toList(),
        routes);
    unique("listener", "LDS", resources.listeners().stream().map(Listener::getName).toList(), new HashSet<>());
  }

  private void endpoints() {
    Set<String> assigned = new HashSet<>();
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      String at = "load assignment " + cla.getClusterName();
      if (!assigned.add(cla.getClusterName())) {
        problem(Kind.DUPLICATE_NAME, at, cla.getClusterName(), "is served twice");
      }
      for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
        for (LbEndpoint e : locality.getLbEndpointsList()) {
          port(e.getEndpoint().getAddress(), at);
        }
      }
    }
    Set<String> wanted = new HashSet<>();
    for (Cluster c : resources.clusters()) {
      if (c.getType() != Cluster.DiscoveryType.EDS) {
        continue;
      }
      String name = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
          : c.getEdsClusterConfig().getServiceName();
      wanted.add(name);
      if (c.getEdsClusterConfig().hasEdsConfig()) {
        configSource(c.getEdsClusterConfig().getEdsConfig(), "cluster " + c.getName() + " eds_config");
      }
      if (!assigned.contains(name)) {
        problem(Kind.LOAD_ASSIGNMENT_MISSING, "cluster " + c.getName(), name, "is an EDS cluster but no load "
            + "assignment '" + name + "' is served; Envoy keeps it without endpoints and its traffic fails");
      }
    }
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      if (!wanted.contains(cla.getClusterName())) {
        problem(Kind.LOAD_ASSIGNMENT_UNUSED, "load assignment " + cla.getClusterName(), cla.getClusterName(),
            "belongs to no EDS cluster");
      }
    }
  }

  /** Any cluster a data-plane reference may name: static, or served over CDS. */
  void cluster(Kind kind, String at, String what, String name, String consequence) {
    if (!staticClusters.contains(name) && !servedClusters.contains(name)) {
      problems.add(ConfigProblem.missingCluster(kind, at, what, name, consequence));
    }
  }

  /** Where a resource's own configuration comes from: ADS needs the stream, gRPC a static cluster. */
  void configSource(ConfigSource source, String at) {
    switch (source.getConfigSourceSpecifierCase()) {
      case ADS -> {
        if (!bootstrap.getDynamicResources().hasAdsConfig()) {
          problem(Kind.ADS_NOT_CONFIGURED, at, "", "asks for its configuration over ADS, but the bootstrap has "
              + "no dynamic_resources.ads_config; Envoy rejects it");
        }
      }
      case API_CONFIG_SOURCE -> apiConfigSource(source.getApiConfigSource(), at);
      default -> { } // files and "self" name no cluster
    }
  }

  /**
   * Envoy opens config streams before CDS has run, so their clusters must be static, whatever CDS serves
   * later.
   */
  private void apiConfigSource(ApiConfigSource api, String at) {
    List<String> names = new ArrayList<>(api.getClusterNamesList());
    api.getGrpcServicesList().stream().filter(GrpcService::hasEnvoyGrpc)
        .map(g -> g.getEnvoyGrpc().getClusterName()).forEach(names::add);
    for (String name : names) {
      if (staticClusters.contains(name)) {
        continue;
      }
      String where = servedClusters.contains(name) ? "is only served over CDS" : "is defined nowhere";
      problem(Kind.CONFIG_SOURCE_CLUSTER_MISSING, at, name, "fetches its configuration through cluster '" + name
          + "', which " + where + "; a config source's cluster must be a static cluster of the bootstrap "
          + "(static clusters: " + String.join(", ", staticClusters) + "), or Envoy rejects it");
    }
  }

  boolean routeConfigurationServed(String name) {
    return routes.contains(name);
  }

  /** @param inline inside a listener, where Envoy validates clusters at once; over RDS it does not */
  void routeConfiguration(RouteConfiguration config, String at, boolean inline) {
    String consequence = inline ? "Envoy rejects the listener (inline routes have their clusters checked)"
        : "requests routed there get 503 from Envoy (cluster not found)";
    Set<String> domains = new HashSet<>();
    for (VirtualHost host : config.getVirtualHostsList()) {
      String where = at + ", virtual host " + host.getName();
      for (String domain : host.getDomainsList()) {
        if (!domains.add(domain)) {
          problem(Kind.DUPLICATE_DOMAIN, at, domain, "domain " + domain + " is claimed by two virtual hosts; "
              + "Envoy rejects the route configuration");
        }
      }
      for (Route route : host.getRoutesList()) {
        if (route.hasRoute()) {
          routeAction(route.getRoute(), where, consequence);
        }
      }
    }
  }

  private void routeAction(RouteAction action, String at, String consequence) {
    List<String> names = new ArrayList<>();
    if (action.hasWeightedClusters()) {
      action.getWeightedClusters().getClustersList().stream().map(WeightedCluster.ClusterWeight::getName)
          .forEach(names::add);
    } else if (!action.getCluster().isEmpty()) {
      names.add(action.getCluster());
    }
    action.getRequestMirrorPoliciesList().forEach(m -> names.add(m.getCluster()));
    names.forEach(n -> cluster(Kind.ROUTE_CLUSTER_MISSING, at, "routes to", n, consequence));
  }

  void port(Address address, String at) {
    int port = address.getSocketAddress().getPortValue();
    if (port < 1 || port > 65535) {
      problem(Kind.PORT_OUT_OF_RANGE, at, Integer.toString(port), "port " + port + " is out of range");
    }
  }

  void problem(Kind kind, String at, String reference, String detail) {
    problems.add(ConfigProblem.of(kind, at, reference, detail));
  }

  /** The typed config, or null with a problem said when it does not unpack. */
  <T extends Message> T unpack(Any any, Class<T> type, String at) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      problem(Kind.UNSUPPORTED_CONFIG, at, any.getTypeUrl(), "typed config does not unpack as "
          + type.getSimpleName() + ": " + e.getMessage());
      return null;
    }
  }

  private void unique(String kind, String source, List<String> names, Set<String> into) {
    for (String name : names) {
      if (name.isEmpty()) {
        problem(Kind.DUPLICATE_NAME, source, "", "a " + kind + " has no name");
      } else if (!into.add(name)) {
        problem(Kind.DUPLICATE_NAME, kind + " " + name, name, "is defined twice (" + source + ")");
      }
    }
  }
}
