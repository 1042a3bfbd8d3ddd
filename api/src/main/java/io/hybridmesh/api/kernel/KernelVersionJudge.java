package io.hybridmesh.api.kernel;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
      Map.entry(KernelFeature.TCX, new int[] {6, 6}),
      Map.entry(KernelFeature.UPROBE_MULTI, new int[] {6, 6}));

  private static final Pattern VERSION = Pattern.compile("^\\s*v?(\\d+)\\.(\\d+)");

  private KernelVersionJudge() {}

  /**
   * The features an upstream kernel of this version has; empty when the string is not a version.
   * BTF is only likely (it also needs CONFIG_DEBUG_INFO_BTF, on by default in most distributions from
   * 5.14).
   */
  public static Set<KernelFeature> judge(String kernelVersion) {
    Set<KernelFeature> out = EnumSet.noneOf(KernelFeature.class);
    if (kernelVersion == null) {
      return out;
    }
    Matcher m = VERSION.matcher(kernelVersion);
    if (!m.find()) {
      return out;
    }
    int major;
    int minor;
    try {
      major = Integer.parseInt(m.group(1));
      minor = Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return out;
    }
    SINCE.forEach((feature, v) -> {
      if (major > v[0] || (major == v[0] && minor >= v[1])) {
        out.add(feature);
      }
    });
    return out;
  }
}
