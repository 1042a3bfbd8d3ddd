package io.hybridmesh.xds.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.testing.MeshFixtures;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarSnapshotsTest {

  private final SimpleCache<SidecarGroup> cache = new SimpleCache<>(SidecarGroup.NODE_GROUP);
  private final XdsCounters counters = new XdsCounters();
  private final SidecarTranslator translator = new SidecarTranslator(TranslatorSettings.DEFAULTS);
  private final SidecarSnapshots snapshots = new SidecarSnapshots(cache, translator, new ResourceValidator(), counters);
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
    List<String> errors = snapshots.publish(frontend, broken);
    assertTrue(errors.stream().anyMatch(e -> e.contains("PassthroughCluster does not exist")), errors::toString);
    assertEquals(good, cache.getSnapshot(frontend).clusters().version());
    assertEquals(1, counters.invalidSnapshots());
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
