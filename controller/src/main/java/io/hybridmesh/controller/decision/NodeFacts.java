package io.hybridmesh.controller.decision;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.Set;

/**
 * What a node's kernel offers the data path.
 *
 * @param guess true when judged from the kernel version alone (before an agent ran there):
 *     distributions backport features, so the answer may be wrong either way
 */
public record NodeFacts(String node, String kernelRelease, Set<KernelFeature> features, boolean guess) {

  public NodeFacts {
    features = Set.copyOf(features);
  }

  /** L3/L4 connection flows: TC programs reporting through the ring buffer. */
  public boolean canObserveConnections() {
    return features.containsAll(Set.of(KernelFeature.TC_BPF, KernelFeature.RINGBUF));
  }

  /** HTTP inside TLS: uprobes, the syscall tracepoints, and CO-RE reads of kernel structures. */
  public boolean canReadTls() {
    return canObserveConnections() && features.containsAll(Set.of(KernelFeature.BTF, KernelFeature.UPROBES,
        KernelFeature.SYSCALL_TRACEPOINTS, KernelFeature.TASK_BTF));
  }
}
