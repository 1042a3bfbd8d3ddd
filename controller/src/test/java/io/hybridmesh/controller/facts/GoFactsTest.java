package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.ReasonCode;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go binaries as the agent's annotation describes them, to the decision the controller takes. */
class GoFactsTest {

  private static final NodeFacts CAPABLE = new NodeFacts("n", "6.18.0", EnumSet.allOf(KernelFeature.class), false);

  static String annotation(String targets, String extra, String reasons) {
    return "{\"app\":{\"path\":\"/app/server\",\"library\":\"GO_CRYPTO_TLS\",\"linkage\":\"STATIC\","
        + "\"goVersion\":\"go1.22.5\"," + extra + "\"uprobeTargets\":[" + targets + "],\"libraries\":[],"
        + "\"reasons\":[" + reasons + "]}}";
  }

  static final String RESOLVED = "{\"symbol\":\"crypto/tls.(*Conn).Write\",\"file\":\"/app/server\",\"offset\":4096,"
      + "\"probeOffset\":4105,\"instruction\":\"jbe\",\"cost\":\"EMULATED\"},"
      + "{\"symbol\":\"crypto/tls.(*Conn).Write+0x3d2\",\"file\":\"/app/server\",\"offset\":4096,"
      + "\"probeOffset\":5074,\"instruction\":\"ret\",\"cost\":\"SINGLE_STEPPED\"},"
      + "{\"symbol\":\"crypto/tls.(*Conn).Read\",\"file\":\"/app/server\",\"offset\":8192,"
      + "\"probeOffset\":8196,\"instruction\":\"jbe\",\"cost\":\"EMULATED\"}";

  static Decision decide(String json) {
    ContainerProbe p = ContainerProbe.of(ProbeAnnotation.parse(json).value().orElseThrow().containers().get("app"));
    Inputs.Container c = ProbeKinds.container("app", p, null);
    return DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(CAPABLE),
        List.of(c), ProbeKinds.AGENT_SUPPORTS));
  }

  @Test
  void aResolvedGoBinaryIsReadByTheKernelAndTheReasonNamesHowItWasFound() {
    Decision d = decide(annotation(RESOLVED, "\"goFunctionsFrom\":\"PCLNTAB\",\"goStructOffsets\":\"table go1.22\","
        + "\"goBoringCrypto\":true,", ""));
    assertEquals(Decision.DataPath.EBPF, d.dataPath());
    assertEquals(Decision.Visibility.FULL, d.visibility());
    Decision.Reason r = d.reasons().stream().filter(x -> x.code() == ReasonCode.UPROBE_TARGETS_OK).findFirst()
        .orElseThrow();
    for (String part : List.of("go1.22.5", "BoringCrypto", ".gopclntab", "table go1.22")) {
      assertTrue(r.message().contains(part), part + " in: " + r.message());
    }
  }

  @Test
  void aReleaseWithoutOffsetsGetsASidecarWithTheAgentsOwnCode() {
    String unresolved = "{\"symbol\":\"crypto/tls.(*Conn).Write\",\"file\":\"/app/server\","
        + "\"unresolvedReason\":\"no offsets\"},{\"symbol\":\"crypto/tls.(*Conn).Read\",\"file\":\"/app/server\","
        + "\"unresolvedReason\":\"no offsets\"}";
    Decision d = decide(annotation(unresolved, "\"goFunctionsFrom\":\"PCLNTAB\",",
        "{\"code\":\"GO_VERSION_UNKNOWN_OFFSETS\",\"message\":\"no struct offsets for go1.25; not guessed.\"}"));
    assertEquals(Decision.DataPath.SIDECAR, d.dataPath());
    assertEquals(ReasonCode.GO_VERSION_UNKNOWN_OFFSETS, d.headline().code());
    assertTrue(d.headline().message().contains("not guessed"), d.headline().message());
  }

  @Test
  void aRefusalCodeThisControllerDoesNotKnowFallsBackToTheGenericReason() {
    String unresolved = "{\"symbol\":\"crypto/tls.(*Conn).Write\",\"file\":\"/a\",\"unresolvedReason\":\"x\"}";
    Decision d = decide(annotation(unresolved, "", "{\"code\":\"GO_SOMETHING_NEWER\",\"message\":\"m\"}"));
    assertEquals(ReasonCode.UPROBE_TARGETS_MISSING, d.headline().code());
  }

  @Test
  void writeWithoutReadIsNotEnough() {
    String onlyWrite = RESOLVED.substring(0, RESOLVED.lastIndexOf(",{"));
    assertFalse(decide(annotation(onlyWrite, "", "")).dataPath() == Decision.DataPath.EBPF);
  }

  @Test
  void detailIsEmptyForAnAgentThatSaidNothingOfGo() {
    assertNull(GoFacts.detail(new ContainerProbe("/a", "GO_CRYPTO_TLS", "STATIC", List.of(), null, null)));
  }
}
