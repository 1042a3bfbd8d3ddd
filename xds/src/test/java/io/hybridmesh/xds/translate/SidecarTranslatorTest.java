package io.hybridmesh.xds.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.testing.MeshFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarTranslatorTest {

  private final SidecarTranslator translator = new SidecarTranslator(TranslatorSettings.DEFAULTS);
  private final SidecarResources resources = translator.translate(MeshFixtures.frontend());

  @Test
  void outboundListenerRestoresTheOriginalDestinationAndHasAChainPerServicePort() {
    Listener outbound = listener(Names.OUTBOUND_LISTENER);
    assertTrue(outbound.getUseOriginalDst().getValue());
    assertEquals(TrafficDirection.OUTBOUND, outbound.getTrafficDirection());
    assertEquals(15001, outbound.getAddress().getSocketAddress().getPortValue());
    assertEquals("envoy.filters.listener.original_dst", outbound.getListenerFilters(0).getName());
    // catalog:80, payments:80 and :50051, redis:6379, ledger:5432 (headless)
    assertEquals(5, outbound.getFilterChainsCount());
    FilterChain catalog = chain(outbound, "outbound|80||catalog.shop.svc.cluster.local");
    assertEquals(80, catalog.getFilterChainMatch().getDestinationPort().getValue());
    assertEquals("10.96.0.20", catalog.getFilterChainMatch().getPrefixRanges(0).getAddressPrefix());
    assertEquals("outbound|80", hcm(catalog).getRds().getRouteConfigName());
    FilterChain redis = chain(outbound, "outbound|6379||redis.shop.svc.cluster.local");
    assertEquals("outbound|6379||redis.shop.svc.cluster.local", tcpProxy(redis).getCluster());
    FilterChain ledger = chain(outbound, "outbound|5432||ledger.billing.svc.cluster.local");
    assertEquals(List.of("10.1.4.1", "10.1.4.2"), ledger.getFilterChainMatch().getPrefixRangesList().stream()
        .map(r -> r.getAddressPrefix()).toList());
    assertEquals(Names.PASSTHROUGH_CLUSTER, tcpProxy(outbound.getDefaultFilterChain()).getCluster());
  }

  @Test
  void inboundListenerHasAChainPerDeclaredPort() {
    Listener inbound = listener(Names.INBOUND_LISTENER);
    assertEquals(TrafficDirection.INBOUND, inbound.getTrafficDirection());
    assertEquals(15006, inbound.getAddress().getSocketAddress().getPortValue());
    assertEquals(3, inbound.getFilterChainsCount());
    assertEquals("inbound|8080", hcm(chain(inbound, "inbound|8080||")).getRds().getRouteConfigName());
    assertEquals("inbound|9000||", tcpProxy(chain(inbound, "inbound|9000||")).getCluster());
    assertEquals("inbound|9090", hcm(chain(inbound, "inbound|9090||")).getRds().getRouteConfigName());
    assertEquals(Names.INBOUND_PASSTHROUGH_CLUSTER, tcpProxy(inbound.getDefaultFilterChain()).getCluster());
  }

  @Test
  void everyChainLogsToTheReceiverWithADirectionalLogName() throws Exception {
    List<String> logNames = new ArrayList<>();
    for (Listener l : resources.listeners()) {
      List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
      chains.add(l.getDefaultFilterChain());
      for (FilterChain c : chains) {
        var config = c.getFilters(0).getTypedConfig();
        if (config.is(HttpConnectionManager.class)) {
          var log = config.unpack(HttpConnectionManager.class).getAccessLog(0);
          assertEquals("envoy.access_loggers.http_grpc", log.getName());
          var common = log.getTypedConfig().unpack(HttpGrpcAccessLogConfig.class).getCommonConfig();
          assertEquals(Names.ALS_CLUSTER, common.getGrpcService().getEnvoyGrpc().getClusterName());
          logNames.add(l.getName() + ":" + common.getLogName());
        } else {
          TcpProxy proxy = config.unpack(TcpProxy.class);
          var log = proxy.getAccessLog(0);
          assertEquals("envoy.access_loggers.tcp_grpc", log.getName());
          var common = log.getTypedConfig().unpack(TcpGrpcAccessLogConfig.class).getCommonConfig();
          assertEquals(Names.ALS_CLUSTER, common.getGrpcService().getEnvoyGrpc().getClusterName());
          assertEquals(10, proxy.getAccessLogOptions().getAccessLogFlushInterval().getSeconds());
          logNames.add(l.getName() + ":" + common.getLogName());
        }
      }
    }
    assertTrue(logNames.stream().filter(n -> n.startsWith("virtualOutbound:")).allMatch(n -> n.contains(":outbound-")));
    assertTrue(logNames.stream().filter(n -> n.startsWith("virtualInbound:")).allMatch(n -> n.contains(":inbound-")));
    assertEquals(5 + 1 + 3 + 1, logNames.size());
  }

  @Test
  void clustersArePassthroughInboundAndOneEdsClusterPerServicePort() {
    List<String> names = resources.clusters().stream().map(Cluster::getName).toList();
    assertEquals(List.of(Names.PASSTHROUGH_CLUSTER, Names.INBOUND_PASSTHROUGH_CLUSTER, "inbound|8080||",
        "inbound|9000||", "inbound|9090||", "outbound|5432||ledger.billing.svc.cluster.local",
        "outbound|80||payments.billing.svc.cluster.local", "outbound|50051||payments.billing.svc.cluster.local",
        "outbound|80||catalog.shop.svc.cluster.local", "outbound|6379||redis.shop.svc.cluster.local"), names);
    Cluster passthrough = resources.clusters().get(0);
    assertEquals(Cluster.DiscoveryType.ORIGINAL_DST, passthrough.getType());
    assertEquals(Cluster.LbPolicy.CLUSTER_PROVIDED, passthrough.getLbPolicy());
    assertEquals("127.0.0.6", resources.clusters().get(1).getUpstreamBindConfig().getSourceAddress().getAddress());
    Cluster grpc = find("outbound|50051||payments.billing.svc.cluster.local");
    assertEquals(Cluster.DiscoveryType.EDS, grpc.getType());
    assertTrue(grpc.containsTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY));
    assertFalse(find("outbound|80||catalog.shop.svc.cluster.local")
        .containsTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY));
  }

  @Test
  void http2AndGrpcPortsSpeakH2cUpstreamAndNoOtherPortDoes() throws Exception {
    // payments:50051 is gRPC, payments:80 is declared http2, frontend's own 9090 is gRPC.
    for (String name : List.of("outbound|50051||payments.billing.svc.cluster.local",
        "outbound|80||payments.billing.svc.cluster.local", "inbound|9090||")) {
      HttpProtocolOptions options = find(name).getTypedExtensionProtocolOptionsOrThrow(
          EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY).unpack(HttpProtocolOptions.class);
      assertTrue(options.getExplicitHttpConfig().hasHttp2ProtocolOptions(), name + " speaks HTTP/2 upstream");
    }
    for (String name : List.of("outbound|80||catalog.shop.svc.cluster.local", "inbound|8080||", "inbound|9000||")) {
      assertFalse(find(name).containsTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY), name);
    }
  }

  @Test
  void everyHttpChainAcceptsBothCodecsAndOnlyHttp2AndGrpcChainsLetStreamsIdle() {
    Listener outbound = listener(Names.OUTBOUND_LISTENER);
    Listener inbound = listener(Names.INBOUND_LISTENER);
    for (HttpConnectionManager h : List.of(hcm(chain(outbound, "outbound|50051||payments.billing.svc.cluster.local")),
        hcm(chain(outbound, "outbound|80||payments.billing.svc.cluster.local")), hcm(chain(inbound, "inbound|9090||")))) {
      assertEquals(HttpConnectionManager.CodecType.AUTO, h.getCodecType());
      assertTrue(h.hasStreamIdleTimeout(), h.getStatPrefix());
      assertEquals(0, Durations.toNanos(h.getStreamIdleTimeout()), "a silent gRPC stream is not cut");
    }
    for (HttpConnectionManager h : List.of(hcm(chain(outbound, "outbound|80||catalog.shop.svc.cluster.local")),
        hcm(chain(inbound, "inbound|8080||")))) {
      assertEquals(HttpConnectionManager.CodecType.AUTO, h.getCodecType());
      assertFalse(h.hasStreamIdleTimeout(), "HTTP/1.1 ports keep Envoy's default: " + h.getStatPrefix());
    }
    for (RouteConfiguration r : resources.routes()) {
      r.getVirtualHostsList().forEach(v -> v.getRoutesList().forEach(route -> {
        assertEquals(0, Durations.toNanos(route.getRoute().getTimeout()), r.getName() + ": no route timeout");
        assertFalse(route.getRoute().hasMaxStreamDuration(), "the client enforces its own grpc-timeout");
      }));
    }
  }

  @Test
  void everyHttpLoggerAsksForWhatAGrpcCallsFlowNeeds() throws Exception {
    int loggers = 0;
    for (Listener l : resources.listeners()) {
      for (FilterChain c : l.getFilterChainsList()) {
        var config = c.getFilters(0).getTypedConfig();
        if (!config.is(HttpConnectionManager.class)) {
          continue;
        }
        HttpGrpcAccessLogConfig log = config.unpack(HttpConnectionManager.class).getAccessLog(0).getTypedConfig()
            .unpack(HttpGrpcAccessLogConfig.class);
        assertEquals(List.of("content-type"), log.getAdditionalRequestHeadersToLogList(), c.getName());
        assertEquals(List.of("grpc-status", "grpc-message"), log.getAdditionalResponseTrailersToLogList());
        assertEquals(List.of("grpc-status", "grpc-message"), log.getAdditionalResponseHeadersToLogList(),
            "a trailers-only response carries its status in its headers");
        loggers++;
      }
    }
    assertEquals(3 + 2, loggers, "catalog:80, payments:80 and :50051 out; 8080 and 9090 in");
  }

  @Test
  void loadAssignmentsListEveryEndpointAndMarkNotReadyOnesUnhealthy() {
    var catalog = resources.endpoints().stream()
        .filter(c -> c.getClusterName().equals("outbound|80||catalog.shop.svc.cluster.local")).findFirst().orElseThrow();
    var endpoints = catalog.getEndpoints(0).getLbEndpointsList();
    assertEquals(List.of("10.1.1.4", "10.1.1.5", "10.1.1.6"),
        endpoints.stream().map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress()).toList());
    assertEquals(HealthStatus.UNHEALTHY, endpoints.get(2).getHealthStatus());
    assertEquals(8080, endpoints.get(0).getEndpoint().getAddress().getSocketAddress().getPortValue());
  }

  @Test
  void routesPerHttpPortNameEachServiceByItsHostNamesAndFallBackToPassthrough() {
    RouteConfiguration port80 = route("outbound|80");
    assertEquals(3, port80.getVirtualHostsCount()); // payments:80, catalog:80, then the catch-all
    var catalog = port80.getVirtualHostsList().stream()
        .filter(v -> v.getName().equals("catalog.shop.svc.cluster.local:80")).findFirst().orElseThrow();
    assertTrue(catalog.getDomainsList().containsAll(List.of("catalog", "catalog:80", "10.96.0.20", "10.96.0.20:80",
        "catalog.shop.svc.cluster.local")));
    var payments = port80.getVirtualHostsList().stream()
        .filter(v -> v.getName().equals("payments.billing.svc.cluster.local:80")).findFirst().orElseThrow();
    assertFalse(payments.getDomainsList().contains("payments"), "short names only within the namespace");
    assertEquals(List.of("*"), port80.getVirtualHosts(2).getDomainsList());
    assertEquals(0, catalog.getRoutes(0).getRoute().getTimeout().getSeconds(), "no route timeout");
    assertEquals(List.of("outbound|80", "outbound|50051", "inbound|8080", "inbound|9090"),
        resources.routes().stream().map(RouteConfiguration::getName).toList());
  }

  @Test
  void sameModelGivesTheSameVersionAndAChangeGivesAnother() {
    assertEquals(resources.contentVersion(), translator.translate(MeshFixtures.frontend()).contentVersion());
    SidecarWorkload w = MeshFixtures.frontend();
    SidecarWorkload changed = new SidecarWorkload(w.namespace(), w.name(), w.podIps(), w.inboundPorts(),
        w.services().subList(1, w.services().size()));
    assertNotEquals(resources.contentVersion(), translator.translate(changed).contentVersion());
  }

  @Test
  void twoHeadlessServicesOverTheSamePodsGetOneChainPerPortAndAddress() {
    var ledger = MeshFixtures.ledger();
    var mirror = new io.hybridmesh.xds.model.MeshService("billing", "ledger-mirror", List.of(), ledger.ports());
    SidecarWorkload w = new SidecarWorkload("shop", "frontend", List.of(), List.of(), List.of(ledger, mirror));
    Listener outbound = translator.translate(w).listeners().get(0);
    assertEquals(1, outbound.getFilterChainsCount(), "the first Service in model order keeps the addresses");
    assertEquals("outbound|5432||ledger.billing.svc.cluster.local", outbound.getFilterChains(0).getName());
  }

  private Listener listener(String name) {
    return resources.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElseThrow();
  }

  private Cluster find(String name) {
    return resources.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private RouteConfiguration route(String name) {
    return resources.routes().stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
  }

  private static FilterChain chain(Listener l, String name) {
    return l.getFilterChainsList().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static HttpConnectionManager hcm(FilterChain chain) {
    try {
      return chain.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (Exception e) {
      throw new AssertionError(chain.getName() + " is not an HTTP chain", e);
    }
  }

  private static TcpProxy tcpProxy(FilterChain chain) {
    try {
      return chain.getFilters(0).getTypedConfig().unpack(TcpProxy.class);
    } catch (Exception e) {
      throw new AssertionError(chain.getName() + " is not a TCP chain", e);
    }
  }
}
