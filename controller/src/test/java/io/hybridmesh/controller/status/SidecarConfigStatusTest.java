package io.hybridmesh.controller.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What became of a sidecar workload's configuration, in its report: refused by us, rejected by Envoy, taken. */
class SidecarConfigStatusTest {

  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final String REFUSAL = "The controller did not publish this workload's new sidecar configuration.";
  private static final String NACK = "The sidecar web-0.shop rejected its Listener configuration (version v7): x.";

  private static WorkloadCapabilityStatus decided(String path) {
    WorkloadCapabilityStatus s = new WorkloadCapabilityStatus();
    s.setDataPath(path);
    s.setObservedGeneration(3L);
    s.setReasons(List.of(new ReasonStatus("TLS_JSSE", "JSSE: a sidecar.")));
    s.setConditions(List.of());
    return s;
  }

  private static Condition configured(WorkloadCapabilityStatus s) {
    return s.getConditions().stream().filter(c -> StatusBuilder.SIDECAR_CONFIGURED.equals(c.getType()))
        .findFirst().orElseThrow();
  }

  private static List<String> codes(WorkloadCapabilityStatus s) {
    return s.getReasons().stream().map(ReasonStatus::getCode).toList();
  }

  @Test
  void aRefusalIsAReasonAfterTheDecidingOneAndTheConditionSaysWhy() {
    WorkloadCapabilityStatus s = StatusBuilder.withSidecarConfig(null, decided("SIDECAR"), null, REFUSAL, NOW);
    assertEquals(List.of("TLS_JSSE", "SIDECAR_CONFIG_REFUSED"), codes(s));
    assertEquals(REFUSAL, s.getReasons().get(1).getMessage());
    assertEquals(List.of("False", "ConfigRefused", REFUSAL), List.of(configured(s).getStatus(),
        configured(s).getReason(), configured(s).getMessage()));
    assertTrue(StatusBuilder.sidecarConfigReports(s, REFUSAL));
  }

  @Test
  void aRefusalAndAnEnvoyRejectionAreBothReported() {
    WorkloadCapabilityStatus s = StatusBuilder.withSidecarConfig(null, decided("SIDECAR"), NACK, REFUSAL, NOW);
    assertTrue(StatusBuilder.sidecarConfigReports(s, REFUSAL) && StatusBuilder.sidecarConfigReports(s, NACK),
        configured(s).getMessage());
  }

  @Test
  void aStatusCarriedOverFromTheLastOneLosesARefusalThatNoLongerHolds() {
    WorkloadCapabilityStatus refused = StatusBuilder.withSidecarConfig(null, decided("SIDECAR"), null, REFUSAL, NOW);
    WorkloadCapabilityStatus frozen = decided("SIDECAR");
    frozen.setReasons(refused.getReasons());
    WorkloadCapabilityStatus s = StatusBuilder.withSidecarConfig(refused, frozen, null, null, NOW.plusSeconds(60));
    assertEquals(List.of("TLS_JSSE"), codes(s));
    assertEquals(List.of("True", "Accepted"), List.of(configured(s).getStatus(), configured(s).getReason()));
    assertFalse(StatusBuilder.sidecarConfigReports(s, REFUSAL));
  }

  @Test
  void aWorkloadWithoutASidecarSaysNothingAboutSidecarConfiguration() {
    WorkloadCapabilityStatus s = StatusBuilder.withSidecarConfig(null, decided("EBPF"), NACK, REFUSAL, NOW);
    assertEquals(List.of("TLS_JSSE"), codes(s));
    assertTrue(s.getConditions().isEmpty());
  }
}
