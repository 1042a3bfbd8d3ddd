package io.hybridmesh.agent.probe.x86;

import io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling;
import io.hybridmesh.agent.probe.x86.UprobeEmulation.Verdict;
import io.hybridmesh.api.kernel.KernelRelease;

/**
 * The kernel's checks before it agrees to a uprobe (uprobe_init_insn, validate_insn_64bits): prefixes
 * it refuses, mov to %ss, and the good-instruction tables of the version at hand.
 */
final class KernelValidation {

  private KernelValidation() {}

  /** A refusal (or an unsafe verdict), or null when the kernel accepts the probe. */
  static Verdict check(Instruction insn, KernelView k, KernelRelease kernel) {
    String what = insn.text();
    String on = " on Linux " + kernel.major() + "." + kernel.minor();
    if (k.xop()) {
      return new Verdict(Handling.UNSAFE, what + " is AMD XOP, which the kernel's instruction decoder"
          + " long did not know (it could single-step the wrong number of bytes); do not probe here");
    }
    if (k.badPrefix() != 0) {
      String name = switch (k.badPrefix()) {
        case 0x26 -> "es";
        case 0x2e -> "cs";
        case 0x36 -> "ss";
        case 0x3e -> "ds (or notrack)";
        default -> "lock";
      };
      return new Verdict(Handling.REFUSED, what + ": the kernel refuses instructions with a " + name
          + " prefix (0x" + Mnemonics.hex(k.badPrefix()) + ")" + on);
    }
    if (k.movToSs() && kernel.atLeast(4, 17)) {
      return new Verdict(Handling.REFUSED, what + ": the kernel refuses mov to %ss since Linux 4.17"
          + " (the single-step trap after it is suppressed)");
    }
    boolean since40 = kernel.atLeast(4, 0);
    boolean[] oneByte =
        since40 ? KernelUprobeTables.ONE_BYTE_SINCE_4_0 : KernelUprobeTables.ONE_BYTE_UNTIL_4_0;
    boolean allowed = oneByte[k.opcode1()]
        || (!since40 && k.opcodeBytes() == 2 && KernelUprobeTables.TWO_BYTE_UNTIL_4_0[k.opcode2()]);
    if (allowed) {
      return null;
    }
    if (insn.kind() == InstructionClass.INT3) {
      return new Verdict(Handling.REFUSED, what + " is the breakpoint instruction itself: the kernel refuses"
          + " to probe it");
    }
    if (k.vector()) {
      return new Verdict(Handling.REFUSED, what + ": the kernel checks the byte after the VEX/EVEX prefix"
          + " (0x" + Mnemonics.hex(k.opcode1()) + ") against its one-byte table, where it is not allowed"
          + on);
    }
    String opcode = k.opcodeBytes() == 1 ? "0x" + Mnemonics.hex(k.opcode1())
        : k.opcodeBytes() == 2 ? "0x0f 0x" + Mnemonics.hex(k.opcode2()) : "a three-byte opcode";
    return new Verdict(Handling.REFUSED, what + ": opcode " + opcode + " is not among the instructions the"
        + " kernel agrees to probe" + on);
  }
}
