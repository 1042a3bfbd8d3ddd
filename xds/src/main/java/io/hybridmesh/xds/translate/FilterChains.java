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
import io.hybridmesh.xds.model.Protocol;
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

  /**
   * An HTTP connection manager chain. The codec is AUTO whatever the port declares: Envoy tells HTTP/2 by
   * its connection preface (h2c prior knowledge, as gRPC clients speak it) and HTTP/1.1 otherwise, so an
   * application that speaks either to a port is proxied as it spoke. HTTP/2 and gRPC ports also lose
   * Envoy's 5-minute stream idle timeout (see {@link #allowsIdleStreams}).
   */
  FilterChain http(String chainName, FilterChainMatch match, String statPrefix, String routeName, String logName,
      Protocol protocol) {
    HttpConnectionManager.Builder hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(Rds.newBuilder().setConfigSource(EnvoyProtos.ads()).setRouteConfigName(routeName))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName(ROUTER)
            .setTypedConfig(EnvoyProtos.pack(Router.getDefaultInstance())))
        .addAccessLog(accessLogs.http(logName));
    if (allowsIdleStreams(protocol)) {
      hcm.setStreamIdleTimeout(com.google.protobuf.util.Durations.ZERO);
    }
    return FilterChain.newBuilder()
        .setName(chainName)
        .setFilterChainMatch(match)
        .addFilters(Filter.newBuilder().setName(HCM).setTypedConfig(EnvoyProtos.pack(hcm.build())))
        .build();
  }

  /**
   * A gRPC stream may rightly stay silent for hours (a watch, a subscription, a server-streaming feed
   * between events), and the HTTP/2 PINGs that keep its connection alive are not stream activity to Envoy:
   * with the default stream idle timeout, Envoy would reset such a call after 5 minutes, which the
   * application never asked for. An observing proxy must not change how calls end, so on these ports
   * streams live as long as the two ends keep them; each call's own deadline (grpc-timeout), enforced by
   * the application, still applies. HTTP/1.1 ports keep the default, where a 5-minute silent request is a
   * stuck peer.
   */
  static boolean allowsIdleStreams(Protocol protocol) {
    return protocol.needsHttp2Upstream();
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
   * A route to one cluster for every path. Timeout 0 turns off Envoy's default 15 s route timeout, which
   * counts from the end of the request to the end of the response: it would cut every gRPC streaming call
   * (server-streaming, bidirectional) after 15 s, and any long request the application would have let run.
   * No max_stream_duration either, so Envoy does not turn a call's grpc-timeout into a timeout of its own:
   * the client enforces its deadline and cancels the stream, and the log then shows the call as it ended.
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
