package io.hybridmesh.agent.probe.site;

/**
 * What a uprobe hit costs at a site, by how the kernel handles the probed instruction. On a KVM guest a
 * single step is a debug exception and a VM exit: about ten times an emulated hit.
 */
public enum ProbeCost {
  /** The kernel emulates the instruction (push, nop, relative call, jmp, jcc): no single step. */
  EMULATED,
  /** The kernel executes the instruction out of line with a single step (sub, mov, endbr64, ...). */
  SINGLE_STEPPED
}
