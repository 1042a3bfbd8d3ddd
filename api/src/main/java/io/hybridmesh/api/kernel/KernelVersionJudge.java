package io.hybridmesh.api.kernel;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges a kernel by its version string alone, as Kubernetes reports {@code nodeInfo.kernelVersion}
 * before an agent runs on the node. A guess: distributions backport features (RHEL 8's 4.18 has much of
 * 5.x) and build kernels without some, so the agent's own probe replaces this as soon as it reports.
 * Shared by the agent (to label inferred features) and the controller (nodes without a NodeCapability).
 */
public final class KernelVersionJudge {

  /** The upstream release that brought each feature. */
  static final Map<KernelFeature, int[]> SINCE = Map.ofEntries(
      Map.entry(KernelFeature.TC_BPF, new int[] {4, 5}),
      Map.entry(KernelFeature.UPROBES, new int[] {4, 3}),
      Map.entry(KernelFeature.SYSCALL_TRACEPOINTS, new int[] {4, 7}),
      Map.entry(KernelFeature.CGROUP_ID, new int[] {4, 18}),
      Map.entry(KernelFeature.BOUNDED_LOOPS, new int[] {5, 3}),
      Map.entry(KernelFeature.BTF, new int[] {5, 4}),
      Map.entry(KernelFeature.FENTRY, new int[] {5, 5}),
      Map.entry(KernelFeature.PROBE_READ_USER, new int[] {5, 5}),
      Map.entry(KernelFeature.BPF_LINK, new int[] {5, 7}),
      Map.entry(KernelFeature.RINGBUF, new int[] {5, 8}),
      Map.entry(KernelFeature.TASK_BTF, new int[] {5, 11}),
      Map.entry(KernelFeature.PLAINTEXT_SOCKET, new int[] {5, 11}),
      Map.entry(KernelFeature.SOCKET_TRACEPOINTS, new int[] {6, 3}),
      Map.entry(KernelFeature.TCX, new int[] {6, 6}),
      Map.entry(KernelFeature.UPROBE_MULTI, new int[] {6, 6}),
      Map.entry(KernelFeature.UPROBE_SESSION, new int[] {6, 13}));

  private KernelVersionJudge() {}

  /**
   * The features an upstream kernel of this version has; empty when the string is not a version.
   * BTF is only likely (it also needs CONFIG_DEBUG_INFO_BTF, on by default in most distributions from
   * 5.14).
   */
  public static Set<KernelFeature> judge(String kernelVersion) {
    Set<KernelFeature> out = EnumSet.noneOf(KernelFeature.class);
    Optional<KernelRelease> release = KernelRelease.parse(kernelVersion);
    if (release.isEmpty()) {
      return out;
    }
    SINCE.forEach((feature, v) -> {
      if (release.get().atLeast(v[0], v[1])) {
        out.add(feature);
      }
    });
    return out;
  }
}
