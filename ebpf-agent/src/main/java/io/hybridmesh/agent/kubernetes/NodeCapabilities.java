package io.hybridmesh.agent.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The {@code NodeCapability} spec an agent writes for its node, from what the kernel said. Pure. */
public final class NodeCapabilities {

  private static final Gson GSON = new Gson();

  private NodeCapabilities() {}

  /** Features are the ones the kernel said yes to, by name, in the enum's order (stable, so diffs are real). */
  public static NodeCapabilitySpec spec(NodeReport report, String agentVersion, Instant heartbeat) {
    NodeCapabilitySpec spec = new NodeCapabilitySpec();
    spec.setKernelRelease(report.release());
    spec.setBtf(report.supported().contains(KernelFeature.BTF));
    spec.setFeatures(report.supported().stream().map(Enum::name).toList());
    spec.setAgentVersion(agentVersion);
    spec.setLastHeartbeat(heartbeat.truncatedTo(ChronoUnit.SECONDS).toString());
    return spec;
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
    JsonObject patch = new JsonObject();
    patch.add("spec", s);
    return GSON.toJson(patch);
  }
}
