package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.knobs.Problem;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeFactsReaderTest {

  static Node node(String kernel) {
    return new NodeBuilder().withNewMetadata().withName("n").endMetadata().withNewStatus().withNewNodeInfo()
        .withKernelVersion(kernel).endNodeInfo().endStatus().build();
  }

  static NodeCapability capability(String kernel, List<String> features) {
    NodeCapability c = new NodeCapability();
    NodeCapabilitySpec s = new NodeCapabilitySpec();
    s.setKernelRelease(kernel);
    s.setFeatures(features);
    c.setSpec(s);
    return c;
  }

  @Test
  void theAgentsFactsWinOverTheVersion() {
    NodeFactsReader.Read r = NodeFactsReader.read("n", capability("4.18.0-553.el8", List.of("TC_BPF", "RINGBUF",
        "BTF", "UPROBES", "SYSCALL_TRACEPOINTS", "TASK_BTF")), node("4.18.0-553.el8"));
    assertFalse(r.facts().guess());
    assertTrue(r.facts().canReadTls(), "RHEL backports: the agent knows, the version does not");
    assertTrue(r.problems().isEmpty());
  }

  @Test
  void withoutAnAgentTheKernelVersionIsAGuess() {
    NodeFactsReader.Read r = NodeFactsReader.read("n", null, node("5.4.0-150-generic"));
    assertTrue(r.facts().guess());
    assertFalse(r.facts().features().contains(KernelFeature.RINGBUF));
    assertEquals("unknown", NodeFactsReader.read("n", null, null).facts().kernelRelease());
  }

  @Test
  void unknownFeaturesAreIgnoredAndGarbageFallsBackToTheGuess() {
    NodeFactsReader.Read newer = NodeFactsReader.read("n", capability("6.8.0", List.of("TC_BPF", "TELEPORT")), null);
    assertEquals(Problem.UNREADABLE_NODE_CAPABILITY, newer.problems().get(0).code());
    assertTrue(newer.problems().get(0).message().contains("TELEPORT"));
    assertFalse(newer.facts().guess());
    NodeFactsReader.Read garbage = NodeFactsReader.read("n", capability("", List.of("???")), node("6.1.0"));
    assertTrue(garbage.facts().guess());
    assertTrue(garbage.facts().canReadTls(), "6.1 judged by its version");
    assertEquals(1, garbage.problems().size());
  }

  static final List<String> ALL = List.of("TC_BPF", "RINGBUF", "BTF", "UPROBES", "SYSCALL_TRACEPOINTS", "TASK_BTF");

  static UprobeHitCost cost(Long emulatedPair, Long steppedPair, String note) {
    UprobeHitCost c = new UprobeHitCost();
    c.setEmulatedNs(800L);
    c.setSingleSteppedNs(12_900L);
    c.setEmulatedPairNs(emulatedPair);
    c.setSingleSteppedPairNs(steppedPair);
    c.setNote(note);
    return c;
  }

  static NodeFacts withCost(UprobeHitCost cost) {
    NodeCapability c = capability("6.18.0", ALL);
    c.getSpec().setUprobeCost(cost);
    return NodeFactsReader.read("n", c, null).facts();
  }

  @Test
  void theMeasuredPairCostsComeFromTheAgent() {
    UprobePairCost c = withCost(cost(1_706L, 13_772L, null)).uprobeCost();
    assertEquals(1_706L, c.emulatedNs());
    assertEquals(13_772L, c.singleSteppedNs());
    assertNull(c.note());
    UprobePairCost partial = withCost(cost(1_706L, null, "cannot measure entry+return probes")).uprobeCost();
    assertNull(partial.singleSteppedNs());
    assertEquals("cannot measure entry+return probes", partial.note());
  }

  @Test
  void noMeasurementIsSaidWithWhy() {
    UprobePairCost older = withCost(null).uprobeCost();
    assertNull(older.emulatedNs());
    assertTrue(older.note().contains("older"), older.note());
    UprobePairCost unmeasured = withCost(cost(null, null, "not root")).uprobeCost();
    assertEquals("not root", unmeasured.note());
    UprobePairCost guessed = NodeFactsReader.read("n", null, node("6.1.0")).facts().uprobeCost();
    assertNull(guessed.emulatedNs());
    assertNull(guessed.singleSteppedNs());
    assertTrue(guessed.note().contains("no agent"), guessed.note());
    assertNull(new NodeFacts("n", "6.1", Set.of(), false).uprobeCost().emulatedNs(), "never null itself");
  }

  @Test
  void aPairCostNoUprobeCanHaveIsDroppedNotBelieved() {
    for (long bad : new long[] {0, -1, Long.MIN_VALUE, NodeFactsReader.MAX_PAIR_NS + 1, Long.MAX_VALUE}) {
      UprobePairCost c = withCost(cost(bad, 13_772L, null)).uprobeCost();
      assertNull(c.emulatedNs(), Long.toString(bad));
      assertEquals(13_772L, c.singleSteppedNs());
      assertTrue(c.note().contains("no uprobe can have"), c.note());
    }
  }
}
