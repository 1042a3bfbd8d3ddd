package io.hybridmesh.xds.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;

/** Filter chains and their network filters, the same for both directions. */
final class FilterChains {

  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String ROUTER = "envoy.filters.http.router";
  static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";

  private final AccessLogs accessLogs;
  private final TranslatorSettings settings;

  FilterChains(TranslatorSettings settings) {
    this.settings = settings;
    this.accessLogs = new AccessLogs(settings);
  }

  /** Restores the destination iptables REDIRECT replaced, so chains can match on the real port and IP. */
  static ListenerFilter originalDestination() {
    return ListenerFilter.newBuilder()
        .setName(ORIGINAL_DST)
        .setTypedConfig(EnvoyProtos.pack(OriginalDst.getDefaultInstance()))
        .build();
  }

  static FilterChainMatch match(int port, List<String> destinationIps) {
    FilterChainMatch.Builder match = FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(port));
    destinationIps.forEach(ip -> match.addPrefixRanges(EnvoyProtos.hostRange(ip)));
    return match.build();
  }

  FilterChain http(String chainName, FilterChainMatch match, String statPrefix, String routeName, String logName) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(EnvoyProtos.ads()).setRouteConfigName(routeName))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(ROUTER)
            .setTypedConfig(EnvoyProtos.pack(Router.getDefaultInstance())))
        .addAccessLog(accessLogs.http(logName))
        .build();
    return FilterChain.newBuilder()
        .setName(chainName)
        .setFilterChainMatch(match)
        .addFilters(Filter.newBuilder().setName(HCM).setTypedConfig(EnvoyProtos.pack(hcm)))
        .build();
  }

  FilterChain tcp(String chainName, FilterChainMatch match, String statPrefix, String cluster, String logName) {
    return FilterChain.newBuilder()
        .setName(chainName)
        .setFilterChainMatch(match)
        .addFilters(tcpProxy(statPrefix, cluster, logName))
        .build();
  }

  /** The chain for traffic no other chain matches (no match: Envoy's default_filter_chain). */
  FilterChain defaultChain(String chainName, String cluster, String logName) {
    return FilterChain.newBuilder().setName(chainName).addFilters(tcpProxy(chainName, cluster, logName)).build();
  }

  private Filter tcpProxy(String statPrefix, String cluster, String logName) {
    TcpProxy proxy = TcpProxy.newBuilder()
        .setStatPrefix(statPrefix)
        .setCluster(cluster)
        .addAccessLog(accessLogs.tcp(logName))
        .setAccessLogOptions(TcpProxy.TcpAccessLogOptions.newBuilder()
            .setAccessLogFlushInterval(EnvoyProtos.duration(settings.tcpLogFlushInterval())))
        .build();
    return Filter.newBuilder().setName(TCP_PROXY).setTypedConfig(EnvoyProtos.pack(proxy)).build();
  }

  /**
   * A route to one cluster for every path. Timeout 0 turns off Envoy's default 15 s route timeout: an
   * observing proxy must not cut long requests or gRPC streams the application would have let run.
   */
  static Route routeAll(String cluster) {
    return Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder()
            .setCluster(cluster)
            .setTimeout(com.google.protobuf.util.Durations.ZERO))
        .build();
  }

  static VirtualHost catchAll(String name, String cluster) {
    return VirtualHost.newBuilder().setName(name).addDomains("*").addRoutes(routeAll(cluster)).build();
  }
}
