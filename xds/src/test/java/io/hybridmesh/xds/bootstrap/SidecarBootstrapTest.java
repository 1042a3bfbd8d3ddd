package io.hybridmesh.xds.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.testing.Golden;
import io.hybridmesh.xds.translate.Names;
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
    Bootstrap byIp = SidecarBootstrap.build(BootstrapSettings.oneServer("10.96.0.5", 18000), "p", "ns", "w");
    assertEquals(Cluster.DiscoveryType.STATIC, byIp.getStaticResources().getClusters(0).getType());
  }

  @Test
  void withTlsBothClustersCheckTheControllersCertificateAgainstTheInlineCa() throws Exception {
    String ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    Bootstrap tls = SidecarBootstrap.build(BootstrapSettings.of("hmesh-xds.hybrid-mesh.svc")
        .withTls(new BootstrapSettings.ControlPlaneTls(ca, "hmesh-xds.hybrid-mesh.svc")), "p", "ns", "w");
    for (Cluster c : tls.getStaticResources().getClustersList()) {
      assertEquals("envoy.transport_sockets.tls", c.getTransportSocket().getName());
      var context = c.getTransportSocket().getTypedConfig().unpack(
          io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext.class);
      assertEquals("hmesh-xds.hybrid-mesh.svc", context.getSni());
      var validation = context.getCommonTlsContext().getValidationContext();
      assertEquals(ca, validation.getTrustedCa().getInlineString());
      assertEquals("hmesh-xds.hybrid-mesh.svc", validation.getMatchTypedSubjectAltNames(0).getMatcher().getExact());
    }
    assertEquals(tls, SidecarBootstrap.parseJson(SidecarBootstrap.toSingleLineJson(tls)),
        "what the injector writes reads back, TLS context included");
    assertFalse(bootstrap.getStaticResources().getClusters(0).hasTransportSocket(), "plaintext without TLS settings");
    assertEquals(List.of(), io.hybridmesh.xds.validate.ResourceValidator.fieldRules(tls),
        "Envoy's field rules hold for the TLS context too");
  }

  @Test
  void eachClusterGoesWhereItsCallerSays() {
    Bootstrap apart = SidecarBootstrap.build(new BootstrapSettings(new BootstrapSettings.Upstream("10.250.0.1", 18000),
        new BootstrapSettings.Upstream("als.example", 19000), 15000, java.time.Duration.ofSeconds(1)), "p", "ns", "w");
    List<String> addresses = apart.getStaticResources().getClustersList().stream().map(c -> {
      var a = c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
      return c.getName() + " " + c.getType() + " " + a.getAddress() + ":" + a.getPortValue();
    }).toList();
    assertEquals(List.of("xds_cluster STATIC 10.250.0.1:18000", "hmesh-als STRICT_DNS als.example:19000"), addresses);
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
    assertEquals(bootstrap, SidecarBootstrap.parseJson(json));
    String line = SidecarBootstrap.toSingleLineJson(bootstrap);
    assertFalse(line.contains("\n"), line);
    assertEquals(bootstrap, SidecarBootstrap.parseJson(line));
    assertTrue(line.contains("\"connect_timeout\":\"5s\""), "Envoy's own field names, as in its docs: " + line);
    Golden.assertMatches("bootstrap.json", json);
    Golden.assertMatches("bootstrap.yaml", SidecarBootstrap.toYaml(bootstrap));
  }

  @Test
  void parsingIsAsStrictAsEnvoy() {
    String json = SidecarBootstrap.toJson(bootstrap);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> SidecarBootstrap.parseJson(json.replace("\"node\"", "\"nodes\"")));
    assertTrue(unknown.getMessage().startsWith("not an Envoy bootstrap: "), unknown.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SidecarBootstrap.parseJson("node: {id: x}"));
  }

  @Test
  void refusesAnIdentityThatCannotBeGrouped() {
    assertThrows(IllegalArgumentException.class,
        () -> SidecarBootstrap.build(BootstrapSettings.of("x"), "pod", "", "w"));
    assertThrows(IllegalArgumentException.class,
        () -> SidecarBootstrap.build(BootstrapSettings.of("x"), "pod", "ns", ""));
  }
}
