package io.hybridmesh.agent.kubernetes;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.hybridmesh.agent.kernel.FeatureFinding;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.jni.Bpf;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** The {@code NodeCapability} spec an agent writes for its node, from what the kernel said. Pure. */
public final class NodeCapabilities {

  /** In a merge patch a missing member keeps the old value: what is gone must be written as null. */
  private static final Gson GSON = new GsonBuilder().serializeNulls().create();

  private NodeCapabilities() {}

  /** Features are the ones the kernel said yes to, by name, in the enum's order (stable, so diffs are real). */
  public static NodeCapabilitySpec spec(NodeReport report, String agentVersion, Instant heartbeat) {
    NodeCapabilitySpec spec = new NodeCapabilitySpec();
    spec.setKernelRelease(report.release());
    spec.setBtf(report.supported().contains(KernelFeature.BTF));
    spec.setFeatures(report.supported().stream().map(Enum::name).toList());
    spec.setAgentVersion(agentVersion);
    spec.setLastHeartbeat(heartbeat.truncatedTo(ChronoUnit.SECONDS).toString());
    spec.setUprobeCost(hitCost(report.uprobeCost()));
    return spec;
  }

  /**
   * The report with {@link KernelFeature#PLAINTEXT_SOCKET}: the agent loaded its socket programs, so the
   * controller may leave plaintext workloads on the eBPF path with their HTTP read.
   */
  public static NodeReport withPlaintext(NodeReport report) {
    return with(report, KernelFeature.PLAINTEXT_SOCKET, "the agent's plaintext socket programs (sock_plain.bpf.o) "
        + "loaded");
  }

  /**
   * The report with {@link KernelFeature#PLAINTEXT_TC}: the agent reads plaintext HTTP/1.x in its TC programs
   * ({@code --plaintext tc}), so the controller may leave plaintext workloads on the eBPF path, and their
   * reports say what that reader leaves out.
   */
  public static NodeReport withPlaintextAtTc(NodeReport report) {
    return with(report, KernelFeature.PLAINTEXT_TC, "the agent reads plaintext HTTP/1.x in its TC programs "
        + "(--plaintext tc)");
  }

  /** The report with {@code feature} found, in place of any finding of it before. */
  private static NodeReport with(NodeReport report, KernelFeature feature, String how) {
    List<FeatureFinding> features = new ArrayList<>(report.features());
    features.removeIf(f -> f.feature() == feature);
    features.add(new FeatureFinding(feature, Bpf.Support.YES, how));
    return new NodeReport(report.release(), features, report.config(), report.configSource(),
        report.degradations(), report.uprobeCost());
  }

  /** The measured cost as the CRD (and {@code hmesh probe --kernel}) carries it: not measured is absent, not -1. */
  public static UprobeHitCost hitCost(UprobeCost c) {
    if (c == null) {
      return null;
    }
    UprobeHitCost h = new UprobeHitCost();
    h.setEmulatedNs(ns(c.emulatedNs()));
    h.setSingleSteppedNs(ns(c.singleSteppedNs()));
    h.setEmulatedPairNs(ns(c.emulatedPairNs()));
    h.setSingleSteppedPairNs(ns(c.singleSteppedPairNs()));
    h.setMeasuredAt(c.measuredAt().truncatedTo(ChronoUnit.SECONDS).toString());
    h.setKernelRelease(c.kernelRelease());
    h.setCalibrationMicros(c.calibrationMicros());
    h.setNote(c.note());
    return h;
  }

  private static Long ns(long v) {
    return v == UprobeCost.NOT_MEASURED ? null : v;
  }

  /**
   * A JSON merge patch replacing the whole spec: no resourceVersion, so it never conflicts, and no
   * server-side apply, so any API server takes it.
   */
  public static String mergePatch(NodeCapabilitySpec spec) {
    JsonObject s = new JsonObject();
    s.addProperty("kernelRelease", spec.getKernelRelease());
    s.addProperty("btf", spec.getBtf());
    JsonArray features = new JsonArray();
    List<String> names = spec.getFeatures() == null ? List.of() : spec.getFeatures();
    names.forEach(features::add);
    s.add("features", features);
    s.addProperty("agentVersion", spec.getAgentVersion());
    s.addProperty("lastHeartbeat", spec.getLastHeartbeat());
    // Present or explicitly null: a merge patch keeps what it does not mention, and a cost measured by an
    // earlier agent on another kernel must not outlive it.
    s.add("uprobeCost", spec.getUprobeCost() == null ? JsonNull.INSTANCE : GSON.toJsonTree(spec.getUprobeCost()));
    JsonObject patch = new JsonObject();
    patch.add("spec", s);
    return GSON.toJson(patch);
  }
}
