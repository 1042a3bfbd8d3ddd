package io.hybridmesh.controller.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.controller.knobs.Problem;
import java.util.List;
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
}
