package io.hybridmesh.agent.kernel;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.Bpf;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a node's kernel offers, found by asking it (the shape of {@code hmesh probe --kernel}).
 *
 * @param config selected kernel config options, when /proc/config.gz or /boot/config-* is readable
 * @param configSource where they came from, or null
 * @param degradations one sentence per missing feature: what degrades and how
 * @param uprobeCost what a uprobe hit costs here, when it was measured ({@link UprobeCostCalibration}), or null
 */
public record NodeReport(
    String release,
    List<FeatureFinding> features,
    Map<String, String> config,
    String configSource,
    List<String> degradations,
    UprobeCost uprobeCost) {

  /** A report without the uprobe cost, which is measured apart (it attaches probes; the rest only asks). */
  public NodeReport(String release, List<FeatureFinding> features, Map<String, String> config,
      String configSource, List<String> degradations) {
    this(release, features, config, configSource, degradations, null);
  }

  public NodeReport withUprobeCost(UprobeCost cost) {
    return new NodeReport(release, features, config, configSource, degradations, cost);
  }

  /** The features the kernel said yes to. */
  public Set<KernelFeature> supported() {
    return features.stream().filter(f -> f.support() == Bpf.Support.YES).map(FeatureFinding::feature)
        .collect(Collectors.toCollection(() -> java.util.EnumSet.noneOf(KernelFeature.class)));
  }
}
