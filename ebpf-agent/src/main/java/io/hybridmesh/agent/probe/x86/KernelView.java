package io.hybridmesh.agent.probe.x86;

/**
 * An instruction as the kernel's uprobe code sees it: {@code OPCODE1} is the first opcode byte its
 * decoder stored (0x0f for two- and three-byte opcodes, the byte after the prefix for VEX/EVEX/XOP),
 * prefixes are the legacy ones, REX is separate. The kernel decides on these fields alone.
 */
record KernelView(int opcode1, int opcode2, int opcodeBytes, boolean prefix66, int badPrefix, int rex,
    int length, boolean vector, boolean xop, boolean movToSs, int modrmReg, boolean rawPrefixedNop) {

  static KernelView of(Instruction insn) {
    Encoding e;
    try {
      e = EncodingParser.parse(insn.bytes(), 0, insn.length());
    } catch (X86DecodeException impossible) {
      throw new IllegalArgumentException("not a decodable instruction: " + insn, impossible);
    }
    int badPrefix = 0;
    boolean prefix66 = false;
    for (int i = 0; i < insn.length(); i++) {
      int b = insn.byteAt(i);
      if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0xf0) {
        badPrefix = badPrefix == 0 ? b : badPrefix;
      } else if (b == 0x66) {
        prefix66 = true;
      } else if (!(b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x64 || b == 0x65
          || (b >= 0x40 && b <= 0x4f))) {
        break;
      }
    }
    int opcode1;
    int opcode2 = -1;
    int bytes = 1;
    if (!e.legacy() || e.map == OpcodeTable.MAP_ONE_BYTE) {
      opcode1 = e.opcode;
    } else {
      opcode1 = 0x0f;
      bytes = e.map == OpcodeTable.MAP_0F ? 2 : 3;
      opcode2 = e.map == OpcodeTable.MAP_0F ? e.opcode : e.map == OpcodeTable.MAP_0F38 ? 0x38 : 0x3a;
    }
    boolean movToSs =
        e.legacy() && e.map == OpcodeTable.MAP_ONE_BYTE && e.opcode == 0x8e && e.regField() == 2;
    return new KernelView(opcode1, opcode2, bytes, prefix66, badPrefix, e.rex, insn.length(),
        e.form == Encoding.Form.VEX || e.form == Encoding.Form.EVEX, e.form == Encoding.Form.XOP, movToSs,
        e.hasModrm() ? e.regField() : -1, rawPrefixedNop(insn));
  }

  /** Bytes 0x66* 0x90: what the kernel skipped as a nop before 3.16, looking at raw bytes. */
  private static boolean rawPrefixedNop(Instruction insn) {
    for (int i = 0; i < insn.length() - 1; i++) {
      if (insn.byteAt(i) != 0x66) {
        return false;
      }
    }
    return insn.byteAt(insn.length() - 1) == 0x90;
  }

  boolean rexB() {
    return (rex & 1) != 0;
  }

  /** branch_setup_xol_ops: jmp rel8/rel32, call rel32, opcode 0x90, jcc short and near (3.16 on). */
  boolean takenForBranchOrNop() {
    return opcode1 == 0xeb || opcode1 == 0xe9 || opcode1 == 0xe8 || opcode1 == 0x90
        || (opcode1 >= 0x70 && opcode1 <= 0x7f)
        || (opcode1 == 0x0f && opcodeBytes == 2 && opcode2 >= 0x80 && opcode2 <= 0x8f);
  }

  /** can_optimize (6.18): five bytes, opcode 0x90 or 0f 1f /0 (the page boundary is not known here). */
  boolean optimizableNop5() {
    return length == 5 && !vector && !xop && ((opcode1 == 0x90 && opcodeBytes == 1)
        || (opcode1 == 0x0f && opcodeBytes == 2 && opcode2 == 0x1f && modrmReg == 0));
  }

  boolean isSyscall() {
    return !vector && !xop && opcode1 == 0x0f && opcodeBytes == 2 && opcode2 == 0x05;
  }

  /** push_setup_xol_ops: 50-57 in one byte, or 41 50-57. */
  boolean emulatedPush() {
    return opcode1 >= 0x50 && opcode1 <= 0x57 && (length == 1 || (length == 2 && rex == 0x41));
  }

  /**
   * arch_uprobe_analyze_insn picks post-step fixups by OPCODE1: popf (9d), returns (c2 c3 ca cb), far
   * jmp/call (ea 9a), indirect call/jmp (ff /2-/5), and before 3.16 call (e8). A VEX/EVEX instruction
   * with such an opcode byte gets the wrong fixup.
   */
  boolean vectorWithWrongFixup(boolean before316) {
    if (!vector) {
      return false;
    }
    return switch (opcode1) {
      case 0x9a, 0x9d, 0xc2, 0xc3, 0xca, 0xcb, 0xea -> true;
      case 0xff -> modrmReg >= 2 && modrmReg <= 5;
      case 0xe8 -> before316;
      default -> false;
    };
  }
}
