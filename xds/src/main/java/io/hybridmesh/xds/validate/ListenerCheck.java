package io.hybridmesh.xds.validate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.HashSet;
import java.util.Set;

/**
 * One listener's part of the {@link ReferenceCheck}: its filter chains, their filters (HTTP connection
 * manager, tcp_proxy) and every access logger on the way, each reference resolved against the bootstrap
 * and the served resources.
 */
final class ListenerCheck {

  private static final String LISTENER_REJECTED = "Envoy rejects the listener, and with the traffic capture in "
      + "place the pod's connections then have no listener to go to";

  private final ReferenceCheck refs;

  ListenerCheck(ReferenceCheck refs) {
    this.refs = refs;
  }

  void listener(Listener listener) {
    String where = "listener " + listener.getName();
    listener.getAccessLogList().forEach(log -> accessLog(log, where));
    if (listener.hasApiListener()) {
      hcm(listener.getApiListener().getApiListener(), where + " (API listener)");
      return;
    }
    refs.port(listener.getAddress(), where);
    Set<String> names = new HashSet<>();
    Set<FilterChainMatch> matches = new HashSet<>();
    for (FilterChain chain : listener.getFilterChainsList()) {
      String at = where + ", chain " + chain.getName();
      if (!names.add(chain.getName())) {
        refs.problem(Kind.DUPLICATE_FILTER_CHAIN, at, chain.getName(), "the chain name is used twice");
      }
      if (!matches.add(chain.getFilterChainMatch())) {
        refs.problem(Kind.DUPLICATE_FILTER_CHAIN, at, chain.getName(), "has the same match as another chain; "
            + "Envoy rejects the listener");
      }
      int port = chain.getFilterChainMatch().hasDestinationPort()
          ? chain.getFilterChainMatch().getDestinationPort().getValue() : 1;
      if (port < 1 || port > 65535) {
        refs.problem(Kind.PORT_OUT_OF_RANGE, at, Integer.toString(port), "matches port " + port);
      }
      filterChain(chain, at);
    }
    if (listener.hasDefaultFilterChain()) {
      filterChain(listener.getDefaultFilterChain(), where + ", default chain "
          + listener.getDefaultFilterChain().getName());
    }
  }

  private void filterChain(FilterChain chain, String at) {
    if (chain.getFiltersCount() == 0) {
      refs.problem(Kind.MISSING_FILTER, at, "", "the filter chain has no filters");
    }
    for (Filter filter : chain.getFiltersList()) {
      Any config = filter.getTypedConfig();
      if (config.is(HttpConnectionManager.class)) {
        hcm(config, at);
      } else if (config.is(TcpProxy.class)) {
        tcpProxy(refs.unpack(config, TcpProxy.class, at), at);
      } else {
        refs.problem(Kind.UNSUPPORTED_CONFIG, at, config.getTypeUrl(), "filter " + filter.getName()
            + " has a config this control plane does not check: " + config.getTypeUrl());
      }
    }
  }

  private void tcpProxy(TcpProxy proxy, String at) {
    if (proxy == null) {
      return;
    }
    String consequence = "Envoy closes every connection this chain takes";
    if (proxy.hasWeightedClusters()) {
      proxy.getWeightedClusters().getClustersList().forEach(w -> refs.cluster(Kind.TCP_PROXY_CLUSTER_MISSING, at,
          "tcp_proxy forwards to", w.getName(), consequence));
    } else {
      refs.cluster(Kind.TCP_PROXY_CLUSTER_MISSING, at, "tcp_proxy forwards to", proxy.getCluster(), consequence);
    }
    proxy.getAccessLogList().forEach(log -> accessLog(log, at));
  }

  private void hcm(Any config, String at) {
    HttpConnectionManager hcm = refs.unpack(config, HttpConnectionManager.class, at);
    if (hcm == null) {
      return;
    }
    if (hcm.hasRds()) {
      String name = hcm.getRds().getRouteConfigName();
      refs.configSource(hcm.getRds().getConfigSource(), at + ", RDS config_source");
      if (!refs.routeConfigurationServed(name)) {
        refs.problem(Kind.ROUTE_CONFIGURATION_MISSING, at, name, "asks RDS for route configuration '" + name
            + "', which is not served; Envoy warms the listener until its initial fetch times out, then answers its "
            + "HTTP requests with 404 (no route)");
      }
    }
    if (hcm.hasRouteConfig()) {
      refs.routeConfiguration(hcm.getRouteConfig(), at + ", inline routes", true);
    }
    if (hcm.getHttpFiltersCount() == 0) {
      refs.problem(Kind.MISSING_FILTER, at, "", "the HTTP connection manager has no HTTP filters (a router is "
          + "needed)");
    }
    hcm.getAccessLogList().forEach(log -> accessLog(log, at));
  }

  private void accessLog(AccessLog log, String at) {
    Any config = log.getTypedConfig();
    CommonGrpcAccessLogConfig common = null;
    if (config.is(HttpGrpcAccessLogConfig.class)) {
      HttpGrpcAccessLogConfig http = refs.unpack(config, HttpGrpcAccessLogConfig.class, at);
      common = http == null ? null : http.getCommonConfig();
    } else if (config.is(TcpGrpcAccessLogConfig.class)) {
      TcpGrpcAccessLogConfig tcp = refs.unpack(config, TcpGrpcAccessLogConfig.class, at);
      common = tcp == null ? null : tcp.getCommonConfig();
    } else {
      refs.problem(Kind.UNSUPPORTED_CONFIG, at, config.getTypeUrl(), "access log " + log.getName()
          + " is not a gRPC access log, so its flows would never reach the controller");
    }
    if (common != null && common.getGrpcService().hasEnvoyGrpc()) {
      refs.cluster(Kind.ACCESS_LOG_CLUSTER_MISSING, at, "access log '" + common.getLogName() + "' sends to",
          common.getGrpcService().getEnvoyGrpc().getClusterName(), LISTENER_REJECTED);
    }
  }
}
