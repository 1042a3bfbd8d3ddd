package io.hybridmesh.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

/** One node's kernel as the decision saw it. */
public class NodeStatus {

  private String name;
  private String kernel;
  /** Whether the kernel can read HTTP inside TLS (every feature the TLS probes need). */
  private Boolean capable;
  /** True when judged from nodeInfo.kernelVersion alone, before the node's agent reported. */
  private Boolean guess;
  private List<String> missingFeatures = new ArrayList<>();

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKernel() {
    return kernel;
  }

  public void setKernel(String kernel) {
    this.kernel = kernel;
  }

  public Boolean getCapable() {
    return capable;
  }

  public void setCapable(Boolean capable) {
    this.capable = capable;
  }

  public Boolean getGuess() {
    return guess;
  }

  public void setGuess(Boolean guess) {
    this.guess = guess;
  }

  public List<String> getMissingFeatures() {
    return missingFeatures;
  }

  public void setMissingFeatures(List<String> missingFeatures) {
    this.missingFeatures = missingFeatures;
  }
}
