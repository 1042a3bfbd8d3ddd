package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.hybridmesh.agent.kernel.FeatureFinding;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.jni.Bpf.Support;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeCapabilitiesTest {

  private static NodeReport report(Support btf) {
    return new NodeReport("6.18.0-hm", List.of(
        new FeatureFinding(KernelFeature.BTF, btf, "file"),
        new FeatureFinding(KernelFeature.RINGBUF, Support.YES, "probe"),
        new FeatureFinding(KernelFeature.TCX, Support.UNKNOWN, "inferred"),
        new FeatureFinding(KernelFeature.FENTRY, Support.NO, "load")), Map.of(), null, List.of());
  }

  @Test
  void specHasWhatTheKernelSaidYesTo() {
    NodeCapabilitySpec s = NodeCapabilities.spec(report(Support.YES), "0.1.0",
        Instant.parse("2026-01-02T03:04:05.678Z"));
    assertEquals("6.18.0-hm", s.getKernelRelease());
    assertEquals(true, s.getBtf());
    assertEquals(List.of("BTF", "RINGBUF"), s.getFeatures());
    assertEquals("0.1.0", s.getAgentVersion());
    assertEquals("2026-01-02T03:04:05Z", s.getLastHeartbeat());
  }

  @Test
  void anAgentThatReadsPlaintextSaysSoAmongItsFeatures() {
    NodeReport withPlaintext = NodeCapabilities.withPlaintext(NodeCapabilities.withPlaintext(report(Support.YES)));
    NodeCapabilitySpec s = NodeCapabilities.spec(withPlaintext, "0.1.0", Instant.EPOCH);
    assertEquals(List.of("BTF", "RINGBUF", "PLAINTEXT_SOCKET"), s.getFeatures(), "once, in the enum's order");
    assertEquals(List.of("BTF", "RINGBUF"), NodeCapabilities.spec(report(Support.YES), "0.1.0", Instant.EPOCH)
        .getFeatures(), "without it, not said");
  }

  @Test
  void anAgentThatReadsPlaintextAtTcSaysThatInstead() {
    NodeReport atTc = NodeCapabilities.withPlaintextAtTc(NodeCapabilities.withPlaintextAtTc(report(Support.YES)));
    assertEquals(List.of("BTF", "RINGBUF", "PLAINTEXT_TC"), NodeCapabilities.spec(atTc, "0.1.0", Instant.EPOCH)
        .getFeatures());
  }

  @Test
  void noBtfSaysSo() {
    NodeCapabilitySpec s = NodeCapabilities.spec(report(Support.NO), "0.1.0", Instant.EPOCH);
    assertFalse(s.getBtf());
    assertEquals(List.of("RINGBUF"), s.getFeatures());
  }

  @Test
  void mergePatchReplacesTheSpec() {
    NodeCapabilitySpec s = NodeCapabilities.spec(report(Support.YES), "0.1.0", Instant.EPOCH);
    var spec = JsonParser.parseString(NodeCapabilities.mergePatch(s)).getAsJsonObject().getAsJsonObject("spec");
    assertEquals("6.18.0-hm", spec.get("kernelRelease").getAsString());
    assertEquals(2, spec.getAsJsonArray("features").size());
    assertEquals("1970-01-01T00:00:00Z", spec.get("lastHeartbeat").getAsString());
  }

  @Test
  void theMeasuredUprobeCostTravelsAndWhatWasNotMeasuredIsNull() {
    UprobeCost cost = new UprobeCost(880, 9_900, 1_400, UprobeCost.NOT_MEASURED, "6.18.0-hm",
        Instant.parse("2026-01-02T03:04:05.678Z"), 41_500, "single-stepped entry+return: absurd");
    NodeCapabilitySpec s = NodeCapabilities.spec(report(Support.YES).withUprobeCost(cost), "0.1.0", Instant.EPOCH);
    UprobeHitCost h = s.getUprobeCost();
    assertEquals(880L, h.getEmulatedNs());
    assertEquals(9_900L, h.getSingleSteppedNs());
    assertEquals(1_400L, h.getEmulatedPairNs());
    assertNull(h.getSingleSteppedPairNs());
    assertEquals("2026-01-02T03:04:05Z", h.getMeasuredAt());
    assertEquals("6.18.0-hm", h.getKernelRelease());
    assertEquals(41_500L, h.getCalibrationMicros());
    var patch = JsonParser.parseString(NodeCapabilities.mergePatch(s)).getAsJsonObject().getAsJsonObject("spec")
        .getAsJsonObject("uprobeCost");
    assertEquals(9_900, patch.get("singleSteppedNs").getAsLong());
    assertTrue(patch.get("singleSteppedPairNs").isJsonNull(), "an old value must not survive the merge");
  }

  @Test
  void noCostRemovesAnOldOne() {
    NodeCapabilitySpec s = NodeCapabilities.spec(report(Support.YES), "0.1.0", Instant.EPOCH);
    assertNull(s.getUprobeCost());
    var spec = JsonParser.parseString(NodeCapabilities.mergePatch(s)).getAsJsonObject().getAsJsonObject("spec");
    assertTrue(spec.has("uprobeCost") && spec.get("uprobeCost").isJsonNull());
  }
}
