package io.hybridmesh.controller.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeLabelsTest {

  static NodeCapability capability(String release, String... features) {
    NodeCapability c = new NodeCapability();
    c.getMetadata().setName("n");
    NodeCapabilitySpec spec = new NodeCapabilitySpec();
    spec.setKernelRelease(release);
    spec.setFeatures(Arrays.asList(features));
    c.setSpec(spec);
    return c;
  }

  @Test
  void theLabelSaysWhatTheAgentMeasuredAndNothingWithoutIt() {
    String[] all = Arrays.stream(KernelFeature.values()).map(Enum::name).toArray(String[]::new);
    assertEquals(Optional.of("true"), NodeLabels.desired("n", capability("6.8.0", all)));
    assertEquals(Optional.of("false"), NodeLabels.desired("n", capability("5.4.0", "TC_BPF", "RINGBUF")));
    assertEquals(Optional.empty(), NodeLabels.desired("n", null), "no agent yet: no label, not a guess");
    assertEquals(Optional.empty(), NodeLabels.desired("n", capability("", "WARP_DRIVE")), "garbage: no label");
  }

  @Test
  void upToDateComparesTheOneLabel() {
    assertTrue(NodeLabels.upToDate(Map.of("hybridmesh.io/tls-capable", "true", "x", "y"), Optional.of("true")));
    assertFalse(NodeLabels.upToDate(Map.of("hybridmesh.io/tls-capable", "false"), Optional.of("true")));
    assertFalse(NodeLabels.upToDate(Map.of("hybridmesh.io/tls-capable", "true"), Optional.empty()));
    assertTrue(NodeLabels.upToDate(null, Optional.empty()));
    assertTrue(NodeLabels.upToDate(Map.of(), Optional.empty()));
  }
}
