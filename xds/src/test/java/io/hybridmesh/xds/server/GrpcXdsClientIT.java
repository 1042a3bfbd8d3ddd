package io.hybridmesh.xds.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.util.Durations;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsNameResolverProvider;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.testing.CollectingSink;
import io.hybridmesh.xds.als.SidecarIdentity;
import io.hybridmesh.xds.testing.Authenticators;
import io.hybridmesh.xds.testing.FakeDirectory;
import io.hybridmesh.xds.translate.EnvoyProtos;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.TranslatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client, a client we did not write, against our server: it resolves a target through
 * LDS (API listener), RDS, CDS and EDS over our ADS stream and makes a real call to a real gRPC server.
 * grpc-xds cannot consume Envoy sidecar listeners (original_dst, listener filters), so the snapshot here is
 * gRPC-shaped; what it proves is the protocol engine: streams, versions, ACKs, the NACK guard.
 */
class GrpcXdsClientIT {

  private static final String TARGET = "greeter";
  private static final String ROUTE = "greeter-route";
  private static final String CLUSTER = "greeter-cluster";
  private static final SidecarGroup GROUP = new SidecarGroup("demo", "greeter-client");

  private final List<SidecarRejection> rejected = new CopyOnWriteArrayList<>();
  private final List<String> recovered = new CopyOnWriteArrayList<>();
  private Server backend;
  private XdsServer xds;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    backend = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(health.getHealthService()).build().start();
    health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
    xds = new XdsServer("127.0.0.1", 0, TranslatorSettings.DEFAULTS, Bootstraps.LOCAL, new SidecarRejections() {
      @Override
      public void rejected(SidecarRejection rejection) {
        rejected.add(rejection);
      }

      @Override
      public void recovered(String nodeId, SidecarGroup group, String typeUrl, String version) {
        recovered.add(typeUrl + "@" + version);
      }
    }, Authenticators.loopback(new FakeDirectory().add(new SidecarIdentity("demo", "client-0", "greeter-client",
        "Deployment", "node-a", List.of("10.0.0.9")))), new CollectingSink()).start();

    // A fresh scheme per test: grpc-xds caches the default bootstrap once per JVM.
    String scheme = "hmesh-xds-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, ?> bootstrap = Map.of(
        "xds_servers", List.of(Map.of("server_uri", "127.0.0.1:" + xds.port(),
            "channel_creds", List.of(Map.of("type", "insecure")),
            "server_features", List.of("xds_v3"))),
        "node", Map.of("id", "client-0.demo", "cluster", "greeter-client"));
    NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
    channel = Grpc.newChannelBuilder(scheme + ":///" + TARGET, InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    xds.close();
    backend.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void grpcXdsClientResolvesThroughOurAdsServerAndCallsTheBackend() {
    assertEquals(List.of(), xds.snapshots().publish(GROUP, grpcShaped(Cluster.LbPolicy.ROUND_ROBIN)));
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, check().getStatus());
    assertTrue(xds.counters().responses() >= 4, "LDS, RDS, CDS and EDS answered");
    assertEquals(0, xds.counters().rejections());
  }

  @Test
  void aConfigGrpcRefusesIsReportedOnceAndNotResentUntilItChanges() {
    xds.snapshots().publish(GROUP, grpcShaped(Cluster.LbPolicy.ROUND_ROBIN));
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, check().getStatus());

    // gRPC supports no MAGLEV: it NACKs this CDS answer. Unguarded, the cache would resend it ~500 times a second.
    xds.snapshots().publish(GROUP, grpcShaped(Cluster.LbPolicy.MAGLEV));
    await().atMost(Duration.ofSeconds(30)).until(() -> !rejected.isEmpty());
    SidecarRejection rejection = rejected.get(0);
    assertEquals("client-0.demo", rejection.nodeId());
    assertEquals(GROUP, rejection.group());
    assertEquals(Resources.V3.CLUSTER_TYPE_URL, rejection.typeUrl());
    assertTrue(rejection.message().contains("MAGLEV") || rejection.message().toLowerCase().contains("lb policy"),
        rejection.message());
    assertTrue(xds.counters().parkedRequests() >= 1);

    // A fixed config ends it: gRPC accepts the next version, and there was exactly one rejection.
    xds.snapshots().publish(GROUP, grpcShaped(Cluster.LbPolicy.LEAST_REQUEST));
    await().atMost(Duration.ofSeconds(30)).until(() -> recovered.stream()
        .anyMatch(r -> r.startsWith(Resources.V3.CLUSTER_TYPE_URL)));
    assertEquals(1, rejected.size());
    assertEquals(1, xds.counters().rejections());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, check().getStatus());
  }

  private HealthCheckResponse check() {
    return HealthGrpc.newBlockingStub(channel).withWaitForReady().withDeadlineAfter(60, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance());
  }

  /** API listener, RDS route, EDS cluster, load assignment to the backend: what grpc-xds consumes. */
  private SidecarResources grpcShaped(Cluster.LbPolicy lbPolicy) {
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("grpc")
        .setRds(Rds.newBuilder().setConfigSource(EnvoyProtos.ads()).setRouteConfigName(ROUTE))
        .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener listener = Listener.newBuilder().setName(TARGET)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
    RouteConfiguration route = RouteConfiguration.newBuilder().setName(ROUTE)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix(""))
                .setRoute(RouteAction.newBuilder().setCluster(CLUSTER))))
        .build();
    Cluster cluster = Cluster.newBuilder().setName(CLUSTER)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(EnvoyProtos.ads()))
        .setConnectTimeout(Durations.fromSeconds(5))
        .setLbPolicy(lbPolicy)
        .build();
    ClusterLoadAssignment endpoints = ClusterLoadAssignment.newBuilder().setClusterName(CLUSTER)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLoadBalancingWeight(com.google.protobuf.UInt32Value.of(1))
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                .setAddress(EnvoyProtos.socketAddress("127.0.0.1", backend.getPort())))))
        .build();
    return new SidecarResources(List.of(cluster), List.of(endpoints), List.of(listener), List.of(route));
  }
}
