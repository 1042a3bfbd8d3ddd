package io.hybridmesh.xds.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.testing.Golden;
import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.validate.EnvoyTypes;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarBootstrapTest {

  private final Bootstrap bootstrap = SidecarBootstrap.build(
      BootstrapSettings.of("hmesh-xds.hybrid-mesh.svc"), "frontend-7d4f9-abcde", "shop", "frontend");

  @Test
  void nodeIdentityGroupsThePodWithItsWorkload() {
    assertEquals("frontend-7d4f9-abcde.shop", bootstrap.getNode().getId());
    assertEquals("frontend", bootstrap.getNode().getCluster());
    assertEquals(new SidecarGroup("shop", "frontend"), SidecarGroup.of(bootstrap.getNode()).orElseThrow());
  }

  @Test
  void adsForListenersAndClustersOverTheStaticXdsCluster() {
    var dynamic = bootstrap.getDynamicResources();
    assertEquals(ApiConfigSource.ApiType.GRPC, dynamic.getAdsConfig().getApiType());
    assertEquals(Names.XDS_CLUSTER, dynamic.getAdsConfig().getGrpcServices(0).getEnvoyGrpc().getClusterName());
    assertFalse(dynamic.getAdsConfig().getSetNodeOnFirstMessageOnly());
    assertEquals(true, dynamic.getLdsConfig().hasAds());
    assertEquals(true, dynamic.getCdsConfig().hasAds());
  }

  @Test
  void xdsAndAlsClustersPointAtTheControllerPortOverHttp2() {
    List<Cluster> clusters = bootstrap.getStaticResources().getClustersList();
    assertEquals(List.of(Names.XDS_CLUSTER, Names.ALS_CLUSTER), clusters.stream().map(Cluster::getName).toList());
    for (Cluster c : clusters) {
      assertEquals(Cluster.DiscoveryType.STRICT_DNS, c.getType());
      var address = c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
      assertEquals("hmesh-xds.hybrid-mesh.svc", address.getAddress());
      assertEquals(18000, address.getPortValue());
      assertEquals(true, c.containsTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions"));
    }
    Bootstrap byIp = SidecarBootstrap.build(new BootstrapSettings("10.96.0.5", 18000, 15000,
        java.time.Duration.ofSeconds(1)), "p", "ns", "w");
    assertEquals(Cluster.DiscoveryType.STATIC, byIp.getStaticResources().getClusters(0).getType());
  }

  @Test
  void adminListensOnLoopbackOnly() {
    assertEquals("127.0.0.1", bootstrap.getAdmin().getAddress().getSocketAddress().getAddress());
  }

  @Test
  void satisfiesEnvoysFieldRules() {
    assertEquals(List.of(), ResourceValidator.fieldRules(bootstrap));
  }

  @Test
  void jsonRoundTripsAndMatchesTheGoldenFiles() throws Exception {
    String json = SidecarBootstrap.toJson(bootstrap);
    Bootstrap.Builder parsed = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY).merge(json, parsed);
    assertEquals(bootstrap, parsed.build());
    Golden.assertMatches("bootstrap.json", json);
    Golden.assertMatches("bootstrap.yaml", SidecarBootstrap.toYaml(bootstrap));
  }

  @Test
  void refusesAnIdentityThatCannotBeGrouped() {
    assertThrows(IllegalArgumentException.class,
        () -> SidecarBootstrap.build(BootstrapSettings.of("x"), "pod", "", "w"));
    assertThrows(IllegalArgumentException.class,
        () -> SidecarBootstrap.build(BootstrapSettings.of("x"), "pod", "ns", ""));
  }
}
