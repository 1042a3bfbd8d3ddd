package io.hybridmesh.api.v1alpha1;

/**
 * A function the TLS probe would attach to, whether it resolves in the file, and where its probe really goes.
 * The site fields ({@code probeOffset}, {@code instruction}, {@code cost}, {@code site}) are absent when the
 * agent did not analyse the site (older agents, unresolved targets, code it could not decode).
 */
public class UprobeTargetStatus {

  /** The names {@code cost} takes; anything else an agent writes is reported as {@link #COST_UNKNOWN}. */
  public static final String COST_EMULATED = "EMULATED";
  public static final String COST_SINGLE_STEPPED = "SINGLE_STEPPED";
  public static final String COST_UNKNOWN = "UNKNOWN";

  private String symbol;
  private String file;
  private Boolean resolved;
  /** Why it does not resolve (stripped, not exported, file missing ...). */
  private String unresolvedReason;
  /** The function's entry, as a file offset. */
  private Long offset;
  /** The file offset probed: the entry, or an internal function the exported one merely wraps. */
  private Long probeOffset;
  /** The instruction at {@code probeOffset}, as a person reads it ("push %r14"). */
  private String instruction;
  /** How the kernel handles a hit there: EMULATED, SINGLE_STEPPED (a VM exit on KVM guests) or UNKNOWN. */
  private String cost;
  /** Why the probe goes there, in a sentence. */
  private String site;

  public UprobeTargetStatus() {}

  public UprobeTargetStatus(String symbol, String file, boolean resolved, String unresolvedReason) {
    this.symbol = symbol;
    this.file = file;
    this.resolved = resolved;
    this.unresolvedReason = unresolvedReason;
  }

  public String getSymbol() {
    return symbol;
  }

  public void setSymbol(String symbol) {
    this.symbol = symbol;
  }

  public String getFile() {
    return file;
  }

  public void setFile(String file) {
    this.file = file;
  }

  public Boolean getResolved() {
    return resolved;
  }

  public void setResolved(Boolean resolved) {
    this.resolved = resolved;
  }

  public String getUnresolvedReason() {
    return unresolvedReason;
  }

  public void setUnresolvedReason(String unresolvedReason) {
    this.unresolvedReason = unresolvedReason;
  }

  public Long getOffset() {
    return offset;
  }

  public void setOffset(Long offset) {
    this.offset = offset;
  }

  public Long getProbeOffset() {
    return probeOffset;
  }

  public void setProbeOffset(Long probeOffset) {
    this.probeOffset = probeOffset;
  }

  public String getInstruction() {
    return instruction;
  }

  public void setInstruction(String instruction) {
    this.instruction = instruction;
  }

  public String getCost() {
    return cost;
  }

  public void setCost(String cost) {
    this.cost = cost;
  }

  public String getSite() {
    return site;
  }

  public void setSite(String site) {
    this.site = site;
  }
}
