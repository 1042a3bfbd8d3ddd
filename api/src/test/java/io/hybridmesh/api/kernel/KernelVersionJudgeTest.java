package io.hybridmesh.api.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelVersionJudgeTest {

  @Test
  void distributionVersionStrings() {
    Set<KernelFeature> aws = KernelVersionJudge.judge("5.10.217-205.860.amzn2.x86_64");
    assertTrue(aws.containsAll(Set.of(KernelFeature.RINGBUF, KernelFeature.BTF, KernelFeature.BPF_LINK)));
    assertFalse(aws.contains(KernelFeature.TASK_BTF), "5.11");
    assertFalse(aws.contains(KernelFeature.PLAINTEXT_SOCKET), "its socket programs need task BTF too");
    assertTrue(KernelVersionJudge.judge("4.18.0-553.el8_10.x86_64").contains(KernelFeature.CGROUP_ID));
    assertFalse(KernelVersionJudge.judge("4.18.0-553.el8_10.x86_64").contains(KernelFeature.RINGBUF),
        "a guess: RHEL backports it, the version does not say so");
    assertEquals(EnumSet.complementOf(EnumSet.of(KernelFeature.PLAINTEXT_TC)),
        KernelVersionJudge.judge("6.18.44-fc-v669"), "reading plaintext at TC is an agent's choice, never guessed");
    assertTrue(KernelVersionJudge.judge("v6.6.0").contains(KernelFeature.TCX));
    assertFalse(KernelVersionJudge.judge("6.5.13").contains(KernelFeature.UPROBE_MULTI));
    assertFalse(KernelVersionJudge.judge("6.12.9").contains(KernelFeature.UPROBE_SESSION));
    assertTrue(KernelVersionJudge.judge("6.13.0").contains(KernelFeature.UPROBE_SESSION));
  }

  @Test
  void garbageIsNoFeatures() {
    for (String s : new String[] {null, "", "linux", "99999999999999999999.1", "-1.2"}) {
      assertTrue(KernelVersionJudge.judge(s).isEmpty(), String.valueOf(s));
    }
  }
}
