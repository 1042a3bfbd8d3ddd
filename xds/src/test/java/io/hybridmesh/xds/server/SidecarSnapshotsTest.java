package io.hybridmesh.xds.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.testing.Bootstraps;
import io.hybridmesh.xds.validate.ConfigProblem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SidecarSnapshotsTest {

  private final SimpleCache<SidecarGroup> cache = new SimpleCache<>(SidecarGroup.NODE_GROUP);
  private final XdsCounters counters = new XdsCounters();
  private final SidecarTranslator translator = new SidecarTranslator(TranslatorSettings.DEFAULTS);
  private final SidecarSnapshots snapshots = new SidecarSnapshots(cache, translator, Bootstraps.LOCAL, counters);
  private final SidecarGroup frontend = new SidecarGroup("shop", "frontend");
  private final SidecarGroup worker = new SidecarGroup("shop", "worker");

  private static SidecarWorkload worker() {
    return new SidecarWorkload("shop", "worker", List.of("10.1.5.5"), List.of(), List.of(MeshFixtures.redis()));
  }

  @Test
  void oneSnapshotPerWorkloadVersionedByContent() {
    PublishReport report = snapshots.publish(List.of(MeshFixtures.frontend(), worker()));
    assertEquals(List.of(frontend, worker), report.updated());
    String version = translator.translate(MeshFixtures.frontend()).contentVersion();
    assertEquals(version, cache.getSnapshot(frontend).listeners().version());
    assertEquals(List.of(), snapshots.publish(List.of(MeshFixtures.frontend(), worker())).updated());
    assertEquals(2, counters.publishedSnapshots());
  }

  @Test
  void departedWorkloadsWithoutSidecarsConnectedAreDroppedAtOnce() {
    snapshots.publish(List.of(MeshFixtures.frontend(), worker()));
    PublishReport report = snapshots.publish(List.of(MeshFixtures.frontend()));
    assertEquals(List.of(worker), report.removed());
    assertNull(cache.getSnapshot(worker));
    assertNotNull(cache.getSnapshot(frontend));
  }

  @Test
  void invalidResourcesAreNotPublishedAndTheLastGoodOnesStay() {
    snapshots.publish(List.of(MeshFixtures.frontend()));
    String good = cache.getSnapshot(frontend).clusters().version();
    SidecarResources resources = translator.translate(MeshFixtures.frontend());
    SidecarResources broken = new SidecarResources(resources.clusters().subList(1, resources.clusters().size()),
        resources.endpoints(), resources.listeners(), resources.routes());
    List<ConfigProblem> errors = snapshots.publish(frontend, broken);
    assertTrue(errors.stream().anyMatch(e -> e.kind() == ConfigProblem.Kind.TCP_PROXY_CLUSTER_MISSING
        && e.reference().equals("PassthroughCluster")), errors::toString);
    assertEquals(good, cache.getSnapshot(frontend).clusters().version());
    assertEquals(Optional.of(resources), snapshots.served(frontend), "the last good resources are still served");
    assertEquals(1, counters.invalidSnapshots());
  }

  @Test
  void resourcesTheGroupsBootstrapCannotLoadAreRefused() {
    // Sidecars started from a bootstrap without the access-log cluster, as injected ones were before.
    Bootstrap full = Bootstraps.frontend();
    Bootstrap adsOnly = full.toBuilder().setStaticResources(full.getStaticResources().toBuilder().removeClusters(1))
        .build();
    SidecarSnapshots strict = new SidecarSnapshots(cache, translator, group -> adsOnly, counters);
    PublishReport report = strict.publish(List.of(MeshFixtures.frontend()));
    assertEquals(List.of(), report.updated());
    assertTrue(report.invalid().get(frontend).stream()
        .allMatch(p -> p.kind() == ConfigProblem.Kind.ACCESS_LOG_CLUSTER_MISSING), report.invalid()::toString);
    assertEquals(Optional.empty(), strict.served(frontend));
  }

  @Test
  void aWorkloadListedTwiceIsReportedNotPublishedTwice() {
    PublishReport report = snapshots.publish(List.of(MeshFixtures.frontend(), MeshFixtures.frontend()));
    assertEquals(List.of(frontend), report.updated());
    assertEquals(List.of(frontend), List.copyOf(report.invalid().keySet()));
  }

  @Test
  void nodesAreGroupedByNamespaceAndWorkload() {
    Node node = Node.newBuilder().setId("frontend-7d4f9-abcde.shop").setCluster("frontend").build();
    assertEquals(frontend, SidecarGroup.NODE_GROUP.hash(node));
    Node dotted = Node.newBuilder().setId("web.v2-0.shop").setCluster("web").build();
    assertEquals(new SidecarGroup("shop", "web"), SidecarGroup.of(dotted).orElseThrow());
    assertTrue(SidecarGroup.of(Node.newBuilder().setId("nodot").setCluster("w").build()).isEmpty());
    assertTrue(SidecarGroup.of(Node.newBuilder().setId("p.ns").build()).isEmpty());
  }
}
