package io.hybridmesh.api.v1alpha1;

/**
 * What one uprobe hit costs on a node, measured by its agent at start (nanoseconds per hit, medians),
 * for the two ways the kernel handles a probed instruction: emulated (push, nop, call rel32, relative
 * jumps) or single-stepped out of line (everything else; a VM exit on KVM guests). Pairs are an entry
 * probe plus a return probe on the same call. A value is absent when it was not measured; {@code note}
 * says why.
 */
public class UprobeHitCost {

  private Long emulatedNs;
  private Long singleSteppedNs;
  private Long emulatedPairNs;
  private Long singleSteppedPairNs;
  /** RFC 3339. */
  private String measuredAt;
  private String kernelRelease;
  /** How long the calibration itself took. */
  private Long calibrationMicros;
  /** Why something was not measured, or what was odd; absent when all went well. */
  private String note;

  public Long getEmulatedNs() {
    return emulatedNs;
  }

  public void setEmulatedNs(Long emulatedNs) {
    this.emulatedNs = emulatedNs;
  }

  public Long getSingleSteppedNs() {
    return singleSteppedNs;
  }

  public void setSingleSteppedNs(Long singleSteppedNs) {
    this.singleSteppedNs = singleSteppedNs;
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

  public String getMeasuredAt() {
    return measuredAt;
  }

  public void setMeasuredAt(String measuredAt) {
    this.measuredAt = measuredAt;
  }

  public String getKernelRelease() {
    return kernelRelease;
  }

  public void setKernelRelease(String kernelRelease) {
    this.kernelRelease = kernelRelease;
  }

  public Long getCalibrationMicros() {
    return calibrationMicros;
  }

  public void setCalibrationMicros(Long calibrationMicros) {
    this.calibrationMicros = calibrationMicros;
  }

  public String getNote() {
    return note;
  }

  public void setNote(String note) {
    this.note = note;
  }
}
