package io.hybridmesh.api.v1alpha1;

/** A function the TLS probe would attach to, and whether it resolves in the file. */
public class UprobeTargetStatus {

  private String symbol;
  private String file;
  private Boolean resolved;
  /** Why it does not resolve (stripped, not exported, file missing ...). */
  private String unresolvedReason;

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
}
