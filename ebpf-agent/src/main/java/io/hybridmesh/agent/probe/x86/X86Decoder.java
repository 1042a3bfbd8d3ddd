package io.hybridmesh.agent.probe.x86;

/**
 * A length decoder for x86-64 machine code (64-bit mode only), with just enough meaning on top to place
 * uprobes well: a name, a class, the branch displacement and the general-purpose registers written.
 *
 * <p>It handles legacy prefixes (66, 67, F2, F3, F0, segment), REX, the one-byte, 0F, 0F38 and 0F3A maps,
 * ModRM/SIB/displacement including RIP-relative operands, all immediate forms, VEX (C4/C5) and EVEX
 * (62, maps 1-3, 5, 6). It refuses, with an {@link X86DecodeException}: opcodes undefined in 64-bit mode,
 * AMD XOP, APX (REX2 and EVEX map 4), truncated input and anything longer than 15 bytes. Pure: no I/O,
 * no state, never reads outside [offset, limit).
 */
public final class X86Decoder {

  private X86Decoder() {}

  /**
   * Decodes the instruction starting at {@code code[offset]}, reading no byte at or beyond {@code limit}.
   *
   * @throws X86DecodeException when the bytes are not a complete instruction this decoder knows
   */
  public static Instruction decode(byte[] code, int offset, int limit) throws X86DecodeException {
    try {
      return build(EncodingParser.parse(code, offset, limit), code, offset);
    } catch (RuntimeException bug) {
      // A table gap must not escape as an unchecked exception to a caller walking a whole binary.
      throw new X86DecodeException(offset, "internal decoder error (" + bug + ")");
    }
  }

  /** Decodes {@code code} from offset 0 to its end. */
  public static Instruction decode(byte[] code) throws X86DecodeException {
    return decode(code, 0, code == null ? 0 : code.length);
  }

  private static Instruction build(Encoding e, byte[] code, int offset) {
    byte[] bytes = new byte[e.length];
    System.arraycopy(code, offset, bytes, 0, e.length);
    int writes = RegisterWrites.of(e);
    boolean unknown = (writes & RegisterWrites.UNKNOWN) != 0;
    InstructionClass kind = classify(e);
    boolean relative = (e.attributes & (OpcodeTable.REL8 | OpcodeTable.REL32)) != 0
        || (e.legacy() && e.map == OpcodeTable.MAP_ONE_BYTE && e.opcode == 0xc7 && e.modrm == 0xf8);
    return new Instruction(offset, e.length, bytes, Mnemonics.of(e), kind, relative ? e.immediate : 0,
        unknown ? GeneralRegisters.ALL : writes & GeneralRegisters.ALL, unknown);
  }

  private static InstructionClass classify(Encoding e) {
    if (!e.legacy()) {
      return InstructionClass.OTHER;
    }
    int op = e.opcode;
    if (e.map == OpcodeTable.MAP_0F) {
      if (op >= 0x80 && op <= 0x8f) {
        return InstructionClass.JCC_REL;
      }
      if (op == 0x1e && e.rep == 0xf3 && (e.modrm == 0xfa || e.modrm == 0xfb)) {
        return InstructionClass.ENDBR;
      }
      boolean rdssp = op == 0x1e && e.rep == 0xf3 && e.registerForm() && e.regField() == 1;
      boolean hintNop = (op >= 0x19 && op <= 0x1e) || (op == 0x1f && e.regField() == 0);
      return hintNop && !rdssp ? InstructionClass.NOP : InstructionClass.OTHER;
    }
    if (e.map != OpcodeTable.MAP_ONE_BYTE) {
      return InstructionClass.OTHER;
    }
    if (op >= 0x50 && op <= 0x57) {
      return InstructionClass.PUSH_REG;
    }
    if (op >= 0x58 && op <= 0x5f) {
      return InstructionClass.POP_REG;
    }
    if (op >= 0x70 && op <= 0x7f) {
      return InstructionClass.JCC_REL;
    }
    if (op >= 0xe0 && op <= 0xe3) {
      return InstructionClass.LOOP_REL;
    }
    return switch (op) {
      case 0x90 -> (e.rex & 1) == 0 && e.rep != 0xf3 ? InstructionClass.NOP : InstructionClass.OTHER;
      case 0xe8 -> InstructionClass.CALL_REL32;
      case 0xe9, 0xeb -> InstructionClass.JMP_REL;
      case 0xc2, 0xc3, 0xca, 0xcb -> InstructionClass.RET;
      case 0xcc -> InstructionClass.INT3;
      case 0xff -> switch (e.regField()) {
        case 2, 3 -> InstructionClass.CALL_INDIRECT;
        case 4, 5 -> InstructionClass.JMP_INDIRECT;
        default -> InstructionClass.OTHER;
      };
      default -> InstructionClass.OTHER;
    };
  }
}
