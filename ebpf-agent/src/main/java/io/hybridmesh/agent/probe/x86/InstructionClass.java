package io.hybridmesh.agent.probe.x86;

/**
 * What an instruction is, as far as placing a uprobe on it matters: the kernel emulates some of these
 * classes (see {@link UprobeEmulation}) and single-steps the rest.
 */
public enum InstructionClass {
  /** {@code push %reg} (50+r, REX.B for r8-r15; also 66-prefixed 16-bit pushes). */
  PUSH_REG,
  /** {@code pop %reg} (58+r). */
  POP_REG,
  /** An architectural no-op: 90 without REX.B, 0f 1f /0, the 0f 19-1e hint space. */
  NOP,
  /** {@code call rel32} (e8). */
  CALL_REL32,
  /** {@code jmp rel8} / {@code jmp rel32} (eb, e9). */
  JMP_REL,
  /** Conditional jumps on flags: short (70-7f) and near (0f 80-8f). */
  JCC_REL,
  /** {@code loop}/{@code loope}/{@code loopne}/{@code jrcxz} (e0-e3): relative, but counter-based. */
  LOOP_REL,
  /** {@code call *r/m} (ff /2) and far indirect calls (ff /3). */
  CALL_INDIRECT,
  /** {@code jmp *r/m} (ff /4) and far indirect jumps (ff /5). */
  JMP_INDIRECT,
  /** {@code ret}, {@code ret $n}, far returns. */
  RET,
  /** {@code endbr64} / {@code endbr32} (f3 0f 1e fa/fb). */
  ENDBR,
  /** {@code int3} (cc), the breakpoint a uprobe itself writes. */
  INT3,
  /** Anything else. */
  OTHER
}
