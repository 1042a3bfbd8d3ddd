package io.hybridmesh.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's kernel facts. Features are names of {@link KernelFeature}; they are strings, not an enum in the
 * schema, so that a newer agent can report a feature an older controller does not know (it is ignored).
 */
public class NodeCapabilitySpec {

  private String kernelRelease;
  private Boolean btf;
  private List<String> features = new ArrayList<>();
  private String agentVersion;
  /** RFC 3339; the agent refreshes it periodically. */
  private String lastHeartbeat;
  /** What a uprobe hit costs on this node, measured by the agent at start; absent from older agents. */
  private UprobeHitCost uprobeCost;

  public String getKernelRelease() {
    return kernelRelease;
  }

  public void setKernelRelease(String kernelRelease) {
    this.kernelRelease = kernelRelease;
  }

  public Boolean getBtf() {
    return btf;
  }

  public void setBtf(Boolean btf) {
    this.btf = btf;
  }

  public List<String> getFeatures() {
    return features;
  }

  public void setFeatures(List<String> features) {
    this.features = features;
  }

  public String getAgentVersion() {
    return agentVersion;
  }

  public void setAgentVersion(String agentVersion) {
    this.agentVersion = agentVersion;
  }

  public String getLastHeartbeat() {
    return lastHeartbeat;
  }

  public void setLastHeartbeat(String lastHeartbeat) {
    this.lastHeartbeat = lastHeartbeat;
  }

  public UprobeHitCost getUprobeCost() {
    return uprobeCost;
  }

  public void setUprobeCost(UprobeHitCost uprobeCost) {
    this.uprobeCost = uprobeCost;
  }
}
