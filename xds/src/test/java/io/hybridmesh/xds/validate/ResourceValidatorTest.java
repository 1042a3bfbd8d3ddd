package io.hybridmesh.xds.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ConfigProblem.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceValidatorTest {

  private final SidecarTranslator translator = new SidecarTranslator(TranslatorSettings.DEFAULTS);
  private final SidecarResources good = translator.translate(MeshFixtures.frontend());

  @Test
  void translatedResourcesPassEveryCheck() {
    assertEquals(List.of(), validate(good));
  }

  @Test
  void aWorkloadWithNothingDeclaredStillGetsAValidPassthroughConfig() {
    SidecarWorkload bare = new SidecarWorkload("ns", "bare", List.of(), List.of(), List.of());
    assertEquals(List.of(), validate(translator.translate(bare)));
  }

  @Test
  void aMissingClusterIsReported() {
    List<Cluster> clusters = new ArrayList<>(good.clusters());
    clusters.removeIf(c -> c.getName().equals("outbound|6379||redis.shop.svc.cluster.local"));
    List<String> errors = messages(new SidecarResources(clusters, good.endpoints(), good.listeners(),
        good.routes()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("tcp_proxy forwards to cluster "
        + "'outbound|6379||redis.shop.svc.cluster.local', which neither")), errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("belongs to no EDS cluster")), errors::toString);
  }

  @Test
  void anEdsClusterWithoutLoadAssignmentAndAMissingRouteAreReported() {
    List<String> errors = messages(new SidecarResources(good.clusters(), good.endpoints().subList(1,
        good.endpoints().size()), good.listeners(), good.routes().subList(1, good.routes().size())));
    assertTrue(errors.stream().anyMatch(e -> e.contains("no load assignment")), errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("route configuration 'outbound|80', which is not served")),
        errors::toString);
  }

  @Test
  void envoyFieldRulesInsideTypedConfigsAreChecked() throws Exception {
    Listener outbound = good.listeners().get(0);
    FilterChain redis = outbound.getFilterChainsList().stream()
        .filter(c -> c.getName().startsWith("outbound|6379")).findFirst().orElseThrow();
    TcpProxy broken = redis.getFilters(0).getTypedConfig().unpack(TcpProxy.class).toBuilder()
        .setStatPrefix("")
        .setMaxConnectAttempts(UInt32Value.of(0))
        .build();
    FilterChain brokenChain = redis.toBuilder()
        .setFilters(0, redis.getFilters(0).toBuilder().setTypedConfig(Any.pack(broken))).build();
    Listener brokenListener = outbound.toBuilder()
        .setFilterChains(outbound.getFilterChainsList().indexOf(redis), brokenChain).build();
    List<String> errors = messages(new SidecarResources(good.clusters(), good.endpoints(),
        List.of(brokenListener, good.listeners().get(1)), good.routes()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("stat_prefix: must be at least 1 characters")), errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("max_connect_attempts: 0 violates gte 1")), errors::toString);
  }

  @Test
  void requiredFieldsAndUnknownTypedConfigsAreReported() {
    Listener outbound = good.listeners().get(0);
    HttpConnectionManager noPrefix = HttpConnectionManager.newBuilder().build();
    FilterChain chain = outbound.getFilterChains(0).toBuilder()
        .setFilters(0, outbound.getFilterChains(0).getFilters(0).toBuilder()
            .setTypedConfig(Any.pack(noPrefix)))
        .addFilters(outbound.getFilterChains(0).getFilters(0).toBuilder()
            .setTypedConfig(Any.pack(UInt32Value.of(3))))
        .build();
    List<String> errors = messages(new SidecarResources(good.clusters(), good.endpoints(),
        List.of(outbound.toBuilder().setFilterChains(0, chain).build()), List.of()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("one of 'route_specifier' is required")), errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("typed config of unknown type")), errors::toString);
  }

  @Test
  void undefinedEnumValuesAndOutOfRangePortsAreReported() {
    List<Cluster> clusters = new ArrayList<>(good.clusters());
    clusters.set(0, clusters.get(0).toBuilder().setLbPolicyValue(99).build());
    Listener outbound = good.listeners().get(0);
    Listener badPort = outbound.toBuilder().setAddress(outbound.getAddress().toBuilder()
        .setSocketAddress(outbound.getAddress().getSocketAddress().toBuilder().setPortValue(70000))).build();
    List<String> errors = messages(new SidecarResources(clusters, good.endpoints(),
        List.of(badPort, good.listeners().get(1)), good.routes()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("lb_policy: enum value") && e.contains("not defined")),
        errors::toString);
    assertTrue(errors.stream().anyMatch(e -> e.contains("port 70000 is out of range")), errors::toString);
  }

  @Test
  void duplicateChainMatchesAreReported() {
    SidecarWorkload w = MeshFixtures.frontend();
    Listener inbound = translator.translate(new SidecarWorkload(w.namespace(), w.name(), w.podIps(),
        List.of(new InboundPort(8080, Protocol.HTTP)), List.of())).listeners().get(1);
    Listener doubled = inbound.toBuilder()
        .addFilterChains(inbound.getFilterChains(0).toBuilder().setName("again")).build();
    List<String> errors = messages(new SidecarResources(good.clusters(), good.endpoints(),
        List.of(doubled), good.routes()));
    assertTrue(errors.stream().anyMatch(e -> e.contains("has the same match as another chain")), errors::toString);
  }

  @Test
  void theBootstrapIsCheckedByEnvoysFieldRulesToo() {
    var bootstrap = Bootstraps.frontend().toBuilder().setAdmin(Bootstraps.frontend().getAdmin().toBuilder()
        .setAddress(Bootstraps.frontend().getAdmin().getAddress().toBuilder().setSocketAddress(
            Bootstraps.frontend().getAdmin().getAddress().getSocketAddress().toBuilder().setAddress(""))))
        .build();
    List<ConfigProblem> problems = ResourceValidator.validate(bootstrap, good);
    assertTrue(problems.stream().anyMatch(p -> p.kind() == Kind.FIELD_RULE
        && p.message().startsWith("Bootstrap.admin.address.socket_address.address")), problems::toString);
  }

  private static List<ConfigProblem> validate(SidecarResources resources) {
    return ResourceValidator.validate(Bootstraps.frontend(), resources);
  }

  private static List<String> messages(SidecarResources resources) {
    return validate(resources).stream().map(ConfigProblem::message).toList();
  }
}
