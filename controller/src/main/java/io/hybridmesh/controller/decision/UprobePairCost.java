package io.hybridmesh.controller.decision;

/**
 * What an entry+return uprobe pair costs on a node, in nanoseconds, by how the kernel handles the probed
 * instruction, as the node's agent measured it at start ({@code NodeCapability.spec.uprobeCost}). A value is
 * null when it was not measured; {@code note} then says why.
 *
 * @param emulatedNs a pair on an instruction the kernel emulates (push, nop, relative call/jmp/jcc)
 * @param singleSteppedNs a pair on an instruction it single-steps out of line (a VM exit on KVM guests)
 * @param note why a value is missing, or null
 */
public record UprobePairCost(Long emulatedNs, Long singleSteppedNs, String note) {

  /** Nothing measured, and why. */
  public static UprobePairCost notMeasured(String why) {
    return new UprobePairCost(null, null, why);
  }

  /** For facts made without an agent's measurement (tests, probes of files): no reason to give. */
  static final UprobePairCost NONE = notMeasured("no agent measured it");
}
