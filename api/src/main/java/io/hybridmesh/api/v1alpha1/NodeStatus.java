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
  /**
   * The CPU the TLS uprobes are expected to add to each TLS call of this workload on this node, in
   * nanoseconds: the mean, over the workload's distinct probe sites, of what an entry+return probe pair on
   * that site's instruction class costs as this node's agent measured it. Absent when it cannot be told;
   * {@code tlsCallNote} then says why.
   */
  private Long tlsCallNanos;
  /** Why {@code tlsCallNanos} is absent, in a sentence; absent when it is known. */
  private String tlsCallNote;
  /** An entry+return probe pair on an instruction the kernel emulates, as this node's agent measured it. */
  private Long emulatedPairNs;
  /** An entry+return probe pair on an instruction the kernel single-steps, as this node's agent measured it. */
  private Long singleSteppedPairNs;

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

  public Long getTlsCallNanos() {
    return tlsCallNanos;
  }

  public void setTlsCallNanos(Long tlsCallNanos) {
    this.tlsCallNanos = tlsCallNanos;
  }

  public String getTlsCallNote() {
    return tlsCallNote;
  }

  public void setTlsCallNote(String tlsCallNote) {
    this.tlsCallNote = tlsCallNote;
  }

  public Long getEmulatedPairNs() {
    return emulatedPairNs;
  }

  public void setEmulatedPairNs(Long emulatedPairNs) {
    this.emulatedPairNs = emulatedPairNs;
  }

  public Long getSingleSteppedPairNs() {
    return singleSteppedPairNs;
  }

  public void setSingleSteppedPairNs(Long singleSteppedPairNs) {
    this.singleSteppedPairNs = singleSteppedPairNs;
  }
}
