package io.hybridmesh.agent.probe.x86;

/**
 * AT&T-style text for reports: operands (source first) for the integer instructions compilers put in
 * prologues and wrappers, branch displacements as "rel32 -> +0x1a0", and the bare mnemonic for the rest
 * (vector instructions, system instructions). Not a disassembler; objdump remains the reference.
 */
final class InstructionText {

  private static final String[] R64 = {
      "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};
  private static final String[] R32 = {
      "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
      "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"};
  private static final String[] R16 = {
      "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
      "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"};
  private static final String[] R8_REX = {
      "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
      "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"};
  private static final String[] R8_LEGACY = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};

  private InstructionText() {}

  static String render(Instruction insn) {
    Encoding e;
    try {
      e = EncodingParser.parse(insn.bytes(), 0, insn.length());
    } catch (X86DecodeException impossible) {
      return insn.mnemonic();
    }
    String operands = e.legacy() ? operands(e, insn) : "";
    String prefixes = (e.lock ? "lock " : "") + (repShown(e) ? (e.rep == 0xf3 ? "rep " : "repnz ") : "");
    return prefixes + insn.mnemonic() + (operands.isEmpty() ? "" : " " + operands);
  }

  /** rep/repnz are shown on string instructions; elsewhere F2/F3 are part of the opcode. */
  private static boolean repShown(Encoding e) {
    int op = e.opcode;
    return e.rep != 0 && e.map == OpcodeTable.MAP_ONE_BYTE
        && ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) || (op >= 0x6c && op <= 0x6f));
  }

  private static String operands(Encoding e, Instruction insn) {
    if (insn.isRelativeBranch()) {
      int width = e.immediateSize == 1 ? 8 : e.immediateSize * 8;
      long d = insn.displacement();
      return "rel" + width + " -> " + (d < 0 ? "-0x" + Long.toHexString(-d) : "+0x" + Long.toHexString(d));
    }
    return e.map == OpcodeTable.MAP_ONE_BYTE ? oneByte(e) : e.map == OpcodeTable.MAP_0F ? twoByte(e) : "";
  }

  private static String oneByte(Encoding e) {
    int op = e.opcode;
    int v = e.operandBytes();
    int r = e.hasModrm() ? e.regField() : 0;
    if (op < 0x40) {
      int size = (op & 1) == 0 ? 1 : v;
      return switch (op & 7) {
        case 0, 1 -> reg(e, e.regIndex(), size) + "," + rm(e, size);
        case 2, 3 -> rm(e, size) + "," + reg(e, e.regIndex(), size);
        case 4 -> imm(e, 1) + ",%al";
        default -> imm(e, v) + "," + reg(e, 0, v);
      };
    }
    if (op >= 0x50 && op <= 0x5f) {
      return reg(e, e.opcodeRegIndex(), e.operandSize66 ? 2 : 8);
    }
    if ((op >= 0x91 && op <= 0x97) || (op == 0x90 && (e.rex & 1) != 0)) {
      return reg(e, e.opcodeRegIndex(), v) + "," + reg(e, 0, v);
    }
    if (op >= 0xb0 && op <= 0xb7) {
      return imm(e, 1) + "," + reg(e, e.opcodeRegIndex(), 1);
    }
    if (op >= 0xb8 && op <= 0xbf) {
      return imm(e, v) + "," + reg(e, e.opcodeRegIndex(), v);
    }
    return switch (op) {
      case 0x63 -> rm(e, 4) + "," + reg(e, e.regIndex(), v);
      case 0x68, 0x6a -> imm(e, 8);
      case 0x69, 0x6b -> imm(e, v) + "," + rm(e, v) + "," + reg(e, e.regIndex(), v);
      case 0x80, 0xc0, 0xc6 -> imm(e, 1) + "," + rm(e, 1);
      case 0x81, 0x83, 0xc1, 0xc7 -> imm(e, v) + "," + rm(e, v);
      case 0x84, 0x86, 0x88 -> reg(e, e.regIndex(), 1) + "," + rm(e, 1);
      case 0x85, 0x87, 0x89 -> reg(e, e.regIndex(), v) + "," + rm(e, v);
      case 0x8a -> rm(e, 1) + "," + reg(e, e.regIndex(), 1);
      case 0x8b, 0x8d -> rm(e, v) + "," + reg(e, e.regIndex(), v);
      case 0x8f -> rm(e, 8);
      case 0xa0 -> moffs(e) + ",%al";
      case 0xa1 -> moffs(e) + "," + reg(e, 0, v);
      case 0xa2 -> "%al," + moffs(e);
      case 0xa3 -> reg(e, 0, v) + "," + moffs(e);
      case 0xa8 -> imm(e, 1) + ",%al";
      case 0xa9 -> imm(e, v) + "," + reg(e, 0, v);
      case 0xc2, 0xca, 0xcd -> imm(e, 2);
      case 0xd0, 0xd2 -> (op == 0xd2 ? "%cl," : "") + rm(e, 1);
      case 0xd1, 0xd3 -> (op == 0xd3 ? "%cl," : "") + rm(e, v);
      case 0xf6 -> r <= 1 ? imm(e, 1) + "," + rm(e, 1) : rm(e, 1);
      case 0xf7 -> r <= 1 ? imm(e, v) + "," + rm(e, v) : rm(e, v);
      case 0xfe -> rm(e, 1);
      case 0xff -> r >= 2 && r <= 5 ? "*" + rm(e, 8) : rm(e, r == 6 ? 8 : v);
      default -> "";
    };
  }

  private static String twoByte(Encoding e) {
    int op = e.opcode;
    int v = e.operandBytes();
    if ((op >= 0x40 && op <= 0x4f) || op == 0xaf || op == 0xbc || op == 0xbd || op == 0xb8 || op == 0x02
        || op == 0x03) {
      return rm(e, v) + "," + reg(e, e.regIndex(), v);
    }
    if (op >= 0x90 && op <= 0x9f) {
      return rm(e, 1);
    }
    if (op >= 0xc8 && op <= 0xcf) {
      return reg(e, e.opcodeRegIndex(), v);
    }
    return switch (op) {
      case 0xb6, 0xbe -> rm(e, 1) + "," + reg(e, e.regIndex(), v);
      case 0xb7, 0xbf -> rm(e, 2) + "," + reg(e, e.regIndex(), v);
      case 0x1e -> e.rep == 0xf3 && (e.modrm == 0xfa || e.modrm == 0xfb) ? "" : rm(e, v);
      case 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1f -> rm(e, v);
      case 0xa3, 0xab, 0xb3, 0xbb, 0xc1, 0xb1 -> reg(e, e.regIndex(), v) + "," + rm(e, v);
      case 0xb0, 0xc0 -> reg(e, e.regIndex(), 1) + "," + rm(e, 1);
      case 0xa4, 0xac -> imm(e, 1) + "," + reg(e, e.regIndex(), v) + "," + rm(e, v);
      case 0xa5, 0xad -> "%cl," + reg(e, e.regIndex(), v) + "," + rm(e, v);
      case 0xba -> imm(e, 1) + "," + rm(e, v);
      default -> "";
    };
  }

  private static String reg(Encoding e, int index, int size) {
    return "%" + switch (size) {
      case 1 -> e.rex != 0 ? R8_REX[index] : index < 8 ? R8_LEGACY[index] : R8_REX[index];
      case 2 -> R16[index];
      case 4 -> R32[index];
      default -> R64[index];
    };
  }

  /** The ModRM r/m operand: a register of {@code size} bytes, or a memory reference. */
  private static String rm(Encoding e, int size) {
    if (e.registerForm()) {
      return reg(e, e.rmIndex(), size);
    }
    StringBuilder s = new StringBuilder();
    switch (e.segment) {
      case 0x64 -> s.append("%fs:");
      case 0x65 -> s.append("%gs:");
      case 0x2e -> s.append("%cs:");
      case 0x36 -> s.append("%ss:");
      case 0x3e -> s.append("%ds:");
      case 0x26 -> s.append("%es:");
      default -> { }
    }
    String[] names = e.addressSize67 ? R32 : R64;
    int base = e.baseIndex();
    int index = e.indexIndex();
    long d = e.displacement;
    if (e.displacementSize > 0 && (d != 0 || base >= 0 || e.ripRelative() || index >= 0)) {
      s.append(d < 0 ? "-0x" + Long.toHexString(-d) : "0x" + Long.toHexString(d));
    } else if (e.displacementSize > 0 || (base < 0 && index < 0)) {
      s.append("0x0");
    }
    if (e.ripRelative()) {
      return s.append(e.addressSize67 ? "(%eip)" : "(%rip)").toString();
    }
    if (base < 0 && index < 0) {
      return s.toString();
    }
    s.append('(');
    if (base >= 0) {
      s.append('%').append(names[base]);
    }
    if (index >= 0) {
      s.append(",%").append(names[index]).append(',').append(e.scale());
    }
    return s.append(')').toString();
  }

  /** The absolute address of movabs (a0-a3), unsigned. */
  private static String moffs(Encoding e) {
    long address = e.addressSize67 ? e.immediate & 0xffffffffL : e.immediate;
    return (e.segment == 0x64 ? "%fs:" : e.segment == 0x65 ? "%gs:" : "") + "0x" + Long.toHexString(address);
  }

  /** An immediate as objdump shows it: hex, as an unsigned number of the operand's width. */
  private static String imm(Encoding e, int size) {
    long value = e.immediate;
    if (size < 8) {
      value &= (1L << (8 * size)) - 1;
    }
    return "$0x" + Long.toHexString(value);
  }
}
