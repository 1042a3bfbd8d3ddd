package io.hybridmesh.agent.probe.x86;

/**
 * The fields of one decoded instruction, as {@link EncodingParser} found them. Package-private and
 * never changed after parsing; {@link Instruction} keeps only its bytes and re-parses them when it needs
 * the fields again (for its text), which is cheap.
 */
final class Encoding {

  /** Legacy (including REX), two- and three-byte VEX, EVEX, AMD XOP. */
  enum Form { LEGACY, VEX, EVEX, XOP }

  int length;

  boolean operandSize66;
  boolean addressSize67;
  boolean lock;
  /** The last of F2/F3, 0 when neither: a repeat prefix or a mandatory SSE prefix. */
  int rep;
  /** The last segment prefix byte, 0 when none. */
  int segment;
  /** The REX byte (0x40-0x4f) directly before the opcode, 0 when none. */
  int rex;

  Form form = Form.LEGACY;
  boolean vexW;
  int vexL;
  /** VEX/EVEX implied prefix: 0 none, 1 = 66, 2 = F3, 3 = F2. */
  int vexPp;
  /** The extra source register VEX.vvvv (and EVEX.V'), already un-inverted, 0-31. */
  int vexVvvv;
  boolean vexR;
  boolean vexX;
  boolean vexB;

  int map;
  int opcode;
  int attributes;

  int modrm = -1;
  int sib = -1;
  int displacementSize;
  long displacement;
  int immediateSize;
  long immediate;
  /** The second immediate of enter (imm8 level) and extrq/insertq (imm8 index). */
  long immediate2;

  boolean hasModrm() {
    return modrm >= 0;
  }

  int mod() {
    return modrm >>> 6;
  }

  /** ModRM.reg without extension: the /digit of group opcodes. */
  int regField() {
    return (modrm >>> 3) & 7;
  }

  /** ModRM names a register, not memory. mov to/from %cr/%dr (0f 20-23) ignores mod: always registers. */
  boolean registerForm() {
    return hasModrm() && (mod() == 3 || isControlRegisterMove());
  }

  boolean isControlRegisterMove() {
    return form == Form.LEGACY && map == OpcodeTable.MAP_0F && opcode >= 0x20 && opcode <= 0x23;
  }

  boolean rexW() {
    return form == Form.LEGACY ? (rex & 8) != 0 : vexW;
  }

  private boolean extendR() {
    return form == Form.LEGACY ? (rex & 4) != 0 : vexR;
  }

  private boolean extendX() {
    return form == Form.LEGACY ? (rex & 2) != 0 : vexX;
  }

  private boolean extendB() {
    return form == Form.LEGACY ? (rex & 1) != 0 : vexB;
  }

  /** The general-purpose register ModRM.reg names (with REX.R/VEX.R), 0-15. */
  int regIndex() {
    return regField() | (extendR() ? 8 : 0);
  }

  /** The register ModRM.rm names in the register form (with REX.B/VEX.B), 0-15. */
  int rmIndex() {
    return (modrm & 7) | (extendB() ? 8 : 0);
  }

  /** The register encoded in the low three opcode bits (push/pop/xchg/mov imm/bswap), 0-15. */
  int opcodeRegIndex() {
    return (opcode & 7) | (extendB() ? 8 : 0);
  }

  boolean ripRelative() {
    return hasModrm() && mod() == 0 && (modrm & 7) == 5 && !isControlRegisterMove();
  }

  /** Base register of a memory operand, or -1 when there is none (RIP-relative, SIB without base). */
  int baseIndex() {
    if (!hasModrm() || registerForm() || ripRelative()) {
      return -1;
    }
    if (sib < 0) {
      return rmIndex();
    }
    if ((sib & 7) == 5 && mod() == 0) {
      return -1;
    }
    return (sib & 7) | (extendB() ? 8 : 0);
  }

  /** Index register of a memory operand, or -1 (SIB index 100 without REX.X means none). */
  int indexIndex() {
    if (sib < 0) {
      return -1;
    }
    int index = ((sib >>> 3) & 7) | (extendX() ? 8 : 0);
    return index == 4 ? -1 : index;
  }

  int scale() {
    return sib < 0 ? 1 : 1 << (sib >>> 6);
  }

  /** Operand size of a legacy instruction in bytes: 8 with REX.W, 2 with a 66 prefix, else 4. */
  int operandBytes() {
    if (rexW()) {
      return 8;
    }
    return operandSize66 ? 2 : 4;
  }

  /** The SSE mandatory prefix of a legacy instruction, in VEX.pp terms: 0, 1 (66), 2 (F3), 3 (F2). */
  int mandatoryPrefix() {
    if (form != Form.LEGACY) {
      return vexPp;
    }
    if (rep == 0xf3) {
      return 2;
    }
    if (rep == 0xf2) {
      return 3;
    }
    return operandSize66 ? 1 : 0;
  }

  boolean legacy() {
    return form == Form.LEGACY;
  }

  /** "0x8e", "0x0f 0xa7", "0x0f 0x38 0x00": the opcode as messages show it. */
  String opcodeName() {
    String prefix = switch (form) {
      case VEX -> "VEX ";
      case EVEX -> "EVEX ";
      case XOP -> "XOP ";
      default -> "";
    };
    String escape = switch (map) {
      case OpcodeTable.MAP_0F -> "0x0f ";
      case OpcodeTable.MAP_0F38 -> "0x0f 0x38 ";
      case OpcodeTable.MAP_0F3A -> "0x0f 0x3a ";
      default -> "";
    };
    return prefix + escape + String.format("0x%02x", opcode);
  }
}
