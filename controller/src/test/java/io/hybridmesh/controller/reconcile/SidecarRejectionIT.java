package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.mesh.SidecarRejectionStore;
import io.hybridmesh.controller.status.StatusBuilder;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.server.SidecarRejection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sidecar that refuses its configuration (an Envoy NACK, as the xDS server's guard records it) shows in
 * its workload's report, in Envoy's words, with a Warning Event; taking a later one clears it.
 */
class SidecarRejectionIT {

  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

  private MockCluster cluster;
  private HmeshOperator operator;
  private final SidecarRejectionStore rejections = new SidecarRejectionStore();

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    cluster.node("old-1", "4.14.0-1-amd64");
    operator = HmeshOperator.start(cluster.client, MockCluster.operatorSettings(), rejections);
  }

  @AfterEach
  void stop() {
    operator.close();
    cluster.close();
  }

  private Optional<Condition> configured(WorkloadCapability w) {
    return w.getStatus().getConditions().stream()
        .filter(c -> StatusBuilder.SIDECAR_CONFIGURED.equals(c.getType())).findFirst();
  }

  @Test
  void aRejectedConfigurationIsInTheReportUntilTheSidecarTakesALaterOne() {
    cluster.namespace("shop", true);
    cluster.pod("shop", "checkout", "old-1", Probes.jsse());
    cluster.deployment("shop", "checkout", Map.of());
    WorkloadCapability w = cluster.awaitPath("shop", "checkout", "SIDECAR");
    assertEquals("True", configured(w).orElseThrow().getStatus(), "no rejection yet");

    rejections.rejected(new SidecarRejection("checkout-0.shop", new SidecarGroup("shop", "checkout"), LDS, "v7",
        "Error adding/updating listener(s) virtualOutbound: unknown filter"));
    await().atMost(Duration.ofSeconds(30)).until(() -> configured(cluster.report("shop", "checkout"))
        .map(c -> "False".equals(c.getStatus())).orElse(false));
    Condition c = configured(cluster.report("shop", "checkout")).orElseThrow();
    assertEquals("EnvoyRejectedConfig", c.getReason());
    assertTrue(c.getMessage().contains("unknown filter") && c.getMessage().contains("Listener")
        && c.getMessage().contains("v7"), c.getMessage());
    await().until(() -> events().stream().anyMatch(e -> "SidecarConfigRejected".equals(e.getReason())
        && "Warning".equals(e.getType())));

    rejections.recovered("checkout-0.shop", new SidecarGroup("shop", "checkout"), LDS, "v8");
    await().atMost(Duration.ofSeconds(30)).until(() -> configured(cluster.report("shop", "checkout"))
        .map(x -> "True".equals(x.getStatus())).orElse(false));
    assertEquals(1, events().stream().filter(e -> "SidecarConfigRejected".equals(e.getReason())).count(),
        "one Warning per rejection, not one per reconcile");
  }

  private List<Event> events() {
    return cluster.client.v1().events().inNamespace("shop").list().getItems();
  }
}
