package io.hybridmesh.agent.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.kernel.KernelVersionJudge;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The node probe on this machine's own kernel, which has everything the data path needs. */
@KernelTest
class NodeProbeKernelIT {

  @Test
  void thisKernelOffersTheWholeDataPath() {
    NodeReport r = new NodeProbe(NativeBpf.load()).probe();
    assertTrue(r.supported().containsAll(Set.of(KernelFeature.BTF, KernelFeature.RINGBUF,
        KernelFeature.TC_BPF, KernelFeature.UPROBES, KernelFeature.SYSCALL_TRACEPOINTS,
        KernelFeature.TASK_BTF, KernelFeature.CGROUP_ID, KernelFeature.PROBE_READ_USER,
        KernelFeature.BOUNDED_LOOPS)), r::toString);
    // Every finding says how it was found; what is missing says what degrades.
    assertTrue(r.features().stream().allMatch(f -> !f.how().isBlank()));
    assertEquals(r.features().stream().filter(f -> f.support() != io.hybridmesh.jni.Bpf.Support.YES).count(),
        r.degradations().size(), r::toString);
  }

  /** The feature probes that load a program of an attach type say yes where the kernel's version has it. */
  @Test
  void theUprobeLinkKindsThisKernelsVersionBroughtLoad() {
    NodeReport r = new NodeProbe(NativeBpf.load()).probe();
    Set<KernelFeature> promised = EnumSet.of(KernelFeature.UPROBE_MULTI, KernelFeature.UPROBE_SESSION);
    promised.retainAll(KernelVersionJudge.judge(r.release()));
    assertTrue(r.supported().containsAll(promised), r::toString);
  }
}
