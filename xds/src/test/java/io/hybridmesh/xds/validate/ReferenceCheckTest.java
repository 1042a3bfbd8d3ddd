package io.hybridmesh.xds.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each kind of dangling reference between a sidecar's bootstrap and what it is served: a config made broken
 * in exactly one way is caught as that kind, naming what dangles; the unbroken one passes.
 */
class ReferenceCheckTest {

  private static final String CATALOG = "outbound|80||catalog.shop.svc.cluster.local";
  private static final String REDIS = "outbound|6379||redis.shop.svc.cluster.local";

  private final SidecarResources good = new SidecarTranslator(TranslatorSettings.DEFAULTS)
      .translate(MeshFixtures.frontend());
  private final Bootstrap bootstrap = Bootstraps.frontend();

  @Test
  void theBuiltBootstrapAndTheTranslatedSnapshotHaveNoProblems() {
    assertEquals(List.of(), ReferenceCheck.check(bootstrap, good));
  }

  @Test
  void aBootstrapWithoutTheAccessLogClusterFailsEveryListener() {
    // The injector's bootstrap before issue 13: ADS only.
    Bootstrap adsOnly = withoutStaticCluster(bootstrap, Names.ALS_CLUSTER);
    List<ConfigProblem> problems = ReferenceCheck.check(adsOnly, good);
    assertFalse(problems.isEmpty());
    assertEquals(Set.of(Kind.ACCESS_LOG_CLUSTER_MISSING), kinds(problems));
    assertEquals(Set.of(Names.ALS_CLUSTER), problems.stream().map(ConfigProblem::reference).collect(Collectors.toSet()));
    assertTrue(problems.stream().anyMatch(p -> p.resource().startsWith("listener " + Names.INBOUND_LISTENER)));
    assertTrue(problems.stream().anyMatch(p -> p.resource().startsWith("listener " + Names.OUTBOUND_LISTENER)));
    ConfigProblem first = problems.get(0);
    assertTrue(first.message().contains("access log '" + Names.LOG_OUTBOUND_TCP + "' sends to cluster 'hmesh-als'")
        && first.message().contains("Envoy rejects the listener"), first.message());
  }

  @Test
  void anAccessLogClusterServedOverCdsIsFoundThere() {
    Cluster als = bootstrap.getStaticResources().getClusters(1);
    SidecarResources withAls = new SidecarResources(concat(good.clusters(), als), good.endpoints(),
        good.listeners(), good.routes());
    assertEquals(List.of(), ReferenceCheck.check(withoutStaticCluster(bootstrap, Names.ALS_CLUSTER), withAls));
  }

  @Test
  void aRouteToAMissingClusterIsCaught() {
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, without(good, CATALOG));
    assertEquals(List.of(Kind.ROUTE_CLUSTER_MISSING), kindsOf(problems, p -> p.reference().equals(CATALOG)));
    assertTrue(problems.get(0).resource().startsWith("route configuration outbound|80, virtual host catalog"),
        problems.get(0).resource());
    assertTrue(problems.get(0).message().contains("503"), problems.get(0).message());
  }

  @Test
  void inlineRoutesToAMissingClusterRejectTheListener() {
    Listener outbound = good.listeners().get(0);
    FilterChain http = outbound.getFilterChainsList().stream().filter(c -> c.getName().equals(CATALOG))
        .findFirst().orElseThrow();
    HttpConnectionManager hcm = unpack(http.getFilters(0).getTypedConfig(), HttpConnectionManager.class).toBuilder()
        .setRouteConfig(good.routes().get(0).toBuilder().setName("inline")).build();
    Listener inline = outbound.toBuilder().setFilterChains(outbound.getFilterChainsList().indexOf(http),
        http.toBuilder().setFilters(0, Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm)))).build();
    SidecarResources resources = without(new SidecarResources(good.clusters(), good.endpoints(),
        List.of(inline, good.listeners().get(1)), good.routes()), CATALOG);
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, resources);
    assertTrue(problems.stream().anyMatch(p -> p.kind() == Kind.ROUTE_CLUSTER_MISSING
        && p.resource().contains("inline routes") && p.message().contains("Envoy rejects the listener")),
        problems::toString);
  }

  @Test
  void aTcpProxyToAMissingClusterIsCaught() {
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, without(good, REDIS));
    assertEquals(List.of(Kind.TCP_PROXY_CLUSTER_MISSING), kinds(problems).stream().toList());
    assertEquals(REDIS, problems.get(0).reference());
    assertEquals("listener virtualOutbound, chain " + REDIS, problems.get(0).resource());
  }

  @Test
  void adsThroughAClusterTheBootstrapDoesNotDefineIsCaught() {
    Bootstrap elsewhere = bootstrap.toBuilder().setDynamicResources(bootstrap.getDynamicResources().toBuilder()
        .setAdsConfig(bootstrap.getDynamicResources().getAdsConfig().toBuilder().setGrpcServices(0,
            GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(CATALOG)))))
        .build();
    List<ConfigProblem> problems = ReferenceCheck.check(elsewhere, good);
    assertEquals(List.of(Kind.CONFIG_SOURCE_CLUSTER_MISSING), kinds(problems).stream().toList());
    assertEquals("bootstrap dynamic_resources.ads_config", problems.get(0).resource());
    assertTrue(problems.get(0).message().contains("is only served over CDS")
        && problems.get(0).message().contains("static clusters: xds_cluster, hmesh-als"), problems.get(0).message());
  }

  @Test
  void configSourcesOverAdsWithoutAnAdsStreamAreCaught() {
    Bootstrap noAds = bootstrap.toBuilder().setDynamicResources(bootstrap.getDynamicResources().toBuilder()
        .clearAdsConfig()).build();
    List<ConfigProblem> problems = ReferenceCheck.check(noAds, good);
    assertEquals(Set.of(Kind.ADS_NOT_CONFIGURED), kinds(problems));
    Set<String> where = problems.stream().map(ConfigProblem::resource).collect(Collectors.toSet());
    assertTrue(where.containsAll(List.of("bootstrap dynamic_resources.cds_config",
        "bootstrap dynamic_resources.lds_config", "cluster " + CATALOG + " eds_config",
        "listener virtualOutbound, chain " + CATALOG + ", RDS config_source")), where::toString);
  }

  @Test
  void rdsForARouteConfigurationNobodyServesIsCaught() {
    List<RouteConfiguration> routes = new ArrayList<>(good.routes());
    routes.removeIf(r -> r.getName().equals("outbound|80"));
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, new SidecarResources(good.clusters(),
        good.endpoints(), good.listeners(), routes));
    assertEquals(Set.of(Kind.ROUTE_CONFIGURATION_MISSING), kinds(problems));
    assertEquals(Set.of("outbound|80"), problems.stream().map(ConfigProblem::reference).collect(Collectors.toSet()));
  }

  @Test
  void anEdsClusterWithoutItsLoadAssignmentAndAnOrphanAssignmentAreCaught() {
    List<ClusterLoadAssignment> endpoints = new ArrayList<>(good.endpoints());
    endpoints.removeIf(e -> e.getClusterName().equals(REDIS));
    endpoints.add(ClusterLoadAssignment.newBuilder().setClusterName("nobody").build());
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, new SidecarResources(good.clusters(), endpoints,
        good.listeners(), good.routes()));
    assertEquals(List.of(Kind.LOAD_ASSIGNMENT_MISSING, Kind.LOAD_ASSIGNMENT_UNUSED),
        problems.stream().map(ConfigProblem::kind).toList());
    assertEquals(List.of(REDIS, "nobody"), problems.stream().map(ConfigProblem::reference).toList());
  }

  @Test
  void aServedClusterMayNotShadowAStaticOne() {
    Cluster shadow = good.clusters().get(0).toBuilder().setName(Names.XDS_CLUSTER).build();
    List<ConfigProblem> problems = ReferenceCheck.check(bootstrap, new SidecarResources(concat(good.clusters(),
        shadow), good.endpoints(), good.listeners(), good.routes()));
    assertEquals(List.of(Kind.DUPLICATE_NAME), problems.stream().map(ConfigProblem::kind).toList());
    assertEquals(Names.XDS_CLUSTER, problems.get(0).reference());
  }

  private static Bootstrap withoutStaticCluster(Bootstrap b, String name) {
    Bootstrap.StaticResources.Builder statics = b.getStaticResources().toBuilder().clearClusters();
    b.getStaticResources().getClustersList().stream().filter(c -> !c.getName().equals(name))
        .forEach(statics::addClusters);
    return b.toBuilder().setStaticResources(statics).build();
  }

  /** The resources without one cluster and its load assignment, as if CDS no longer served it. */
  private static SidecarResources without(SidecarResources r, String cluster) {
    return new SidecarResources(r.clusters().stream().filter(c -> !c.getName().equals(cluster)).toList(),
        r.endpoints().stream().filter(e -> !e.getClusterName().equals(cluster)).toList(), r.listeners(), r.routes());
  }

  private static <T> List<T> concat(List<T> list, T item) {
    List<T> out = new ArrayList<>(list);
    out.add(item);
    return out;
  }

  private static Set<Kind> kinds(List<ConfigProblem> problems) {
    return problems.stream().map(ConfigProblem::kind).collect(Collectors.toSet());
  }

  private static List<Kind> kindsOf(List<ConfigProblem> problems, Predicate<ConfigProblem> which) {
    assertEquals(problems, problems.stream().filter(which).toList(), "only the broken reference is reported");
    return problems.stream().map(ConfigProblem::kind).distinct().toList();
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
