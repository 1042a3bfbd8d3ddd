package io.hybridmesh.controller.facts;

import io.hybridmesh.api.v1alpha1.UprobeTargetStatus;

/**
 * How the kernel handles a uprobe hit at a probe site, as the agent classified the probed instruction: it
 * emulates push, nop and relative call/jmp/jcc (about 1 µs per hit on a KVM guest) and single-steps the rest
 * out of line (a debug exception and, on KVM, a VM exit: about ten times that). {@link #UNKNOWN} stands for a
 * class a newer agent may name that this controller does not know; it is carried, never guessed at.
 */
public enum ProbeCostClass {
  EMULATED,
  SINGLE_STEPPED,
  UNKNOWN;

  /** The class an agent wrote: null when it wrote none (not analysed), UNKNOWN for a name this version lacks. */
  public static ProbeCostClass parse(String name) {
    if (name == null) {
      return null;
    }
    return switch (name.trim()) {
      case UprobeTargetStatus.COST_EMULATED -> EMULATED;
      case UprobeTargetStatus.COST_SINGLE_STEPPED -> SINGLE_STEPPED;
      default -> UNKNOWN;
    };
  }
}
