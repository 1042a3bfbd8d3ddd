package io.hybridmesh.agent.probe.x86;

/**
 * What follows each opcode byte in 64-bit mode: a ModRM byte, which immediate, or nothing because the
 * opcode is undefined. This is all a length decoder needs; names and register effects live elsewhere.
 * Sources: the Intel SDM opcode maps (Vol. 2 App. A) and the AMD APM Vol. 3, checked against objdump.
 */
final class OpcodeTable {

  static final int MODRM = 1;
  static final int IMM8 = 1 << 1;
  static final int IMM16 = 1 << 2;
  /** 16 bits with a 66 prefix, else 32 (sign-extended to 64 with REX.W). */
  static final int IMMZ = 1 << 3;
  /** B8+r: 16, 32 or (with REX.W) 64 bits, the only full 64-bit immediate. */
  static final int IMMV = 1 << 4;
  /** A0-A3: an absolute address, 8 bytes in 64-bit mode, 4 with a 67 prefix. */
  static final int MOFFS = 1 << 5;
  static final int REL8 = 1 << 6;
  /**
   * A 32-bit branch displacement. In 64-bit mode Intel CPUs ignore a 66 prefix on near branches, AMD
   * ones shorten them to 16 bits; like the kernel's own decoder we follow Intel (and the kernel refuses
   * to probe such branches anyway).
   */
  static final int REL32 = 1 << 7;
  /** F6/F7: only /0 and /1 (test) carry an immediate. */
  static final int TEST_GROUP = 1 << 8;
  static final int UNDEFINED = 1 << 9;
  /** A 32-bit immediate whatever the prefixes (XOP map 0Ah). */
  static final int IMM32 = 1 << 10;

  /** Maps of the legacy encoding, and the EVEX-only FP16 maps. */
  static final int MAP_ONE_BYTE = 0;
  static final int MAP_0F = 1;
  static final int MAP_0F38 = 2;
  static final int MAP_0F3A = 3;
  static final int MAP_5 = 5;
  static final int MAP_6 = 6;
  /** AMD XOP maps (8F escape); found in OpenSSL's code paths for Bulldozer-era CPUs. */
  static final int MAP_XOP8 = 8;
  static final int MAP_XOP9 = 9;
  static final int MAP_XOPA = 10;

  private static final int[] ONE_BYTE = new int[256];
  private static final int[] TWO_BYTE = new int[256];

  static {
    // The eight classic ALU rows (add, or, adc, sbb, and, sub, xor, cmp): r/m forms, then AL/eAX, imm.
    for (int row = 0x00; row < 0x40; row += 8) {
      set(ONE_BYTE, row, row + 3, MODRM);
      ONE_BYTE[row + 4] = IMM8;
      ONE_BYTE[row + 5] = IMMZ;
    }
    // push/pop es/cs/ss/ds and daa/das/aaa/aas are gone in 64-bit mode (26/2e/36/3e are prefixes,
    // 0f the escape).
    for (int op : new int[] {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f}) {
      ONE_BYTE[op] = UNDEFINED;
    }
    set(ONE_BYTE, 0x60, 0x61, UNDEFINED); // pusha/popa
    ONE_BYTE[0x63] = MODRM; // movsxd
    ONE_BYTE[0x68] = IMMZ;
    ONE_BYTE[0x69] = MODRM | IMMZ;
    ONE_BYTE[0x6a] = IMM8;
    ONE_BYTE[0x6b] = MODRM | IMM8;
    set(ONE_BYTE, 0x70, 0x7f, REL8);
    ONE_BYTE[0x80] = MODRM | IMM8;
    ONE_BYTE[0x81] = MODRM | IMMZ;
    ONE_BYTE[0x82] = UNDEFINED; // the redundant 8-bit group 1
    ONE_BYTE[0x83] = MODRM | IMM8;
    set(ONE_BYTE, 0x84, 0x8f, MODRM);
    ONE_BYTE[0x9a] = UNDEFINED; // far call ptr16:32
    set(ONE_BYTE, 0xa0, 0xa3, MOFFS);
    ONE_BYTE[0xa8] = IMM8;
    ONE_BYTE[0xa9] = IMMZ;
    set(ONE_BYTE, 0xb0, 0xb7, IMM8);
    set(ONE_BYTE, 0xb8, 0xbf, IMMV);
    set(ONE_BYTE, 0xc0, 0xc1, MODRM | IMM8);
    ONE_BYTE[0xc2] = IMM16;
    ONE_BYTE[0xc6] = MODRM | IMM8;
    ONE_BYTE[0xc7] = MODRM | IMMZ;
    ONE_BYTE[0xc8] = IMM16 | IMM8; // enter $iw,$ib
    ONE_BYTE[0xca] = IMM16;
    ONE_BYTE[0xcd] = IMM8;
    ONE_BYTE[0xce] = UNDEFINED; // into
    set(ONE_BYTE, 0xd0, 0xd3, MODRM);
    set(ONE_BYTE, 0xd4, 0xd6, UNDEFINED); // aam, aad, salc
    set(ONE_BYTE, 0xd8, 0xdf, MODRM); // x87
    set(ONE_BYTE, 0xe0, 0xe3, REL8);
    set(ONE_BYTE, 0xe4, 0xe7, IMM8);
    set(ONE_BYTE, 0xe8, 0xe9, REL32);
    ONE_BYTE[0xea] = UNDEFINED; // far jmp ptr16:32
    ONE_BYTE[0xeb] = REL8;
    ONE_BYTE[0xf6] = MODRM | TEST_GROUP;
    ONE_BYTE[0xf7] = MODRM | TEST_GROUP;
    set(ONE_BYTE, 0xfe, 0xff, MODRM);

    set(TWO_BYTE, 0x00, 0x03, MODRM);
    for (int op : new int[] {0x04, 0x0a, 0x0c, 0x24, 0x25, 0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c, 0x3d,
        0x3e, 0x3f, 0x7a, 0x7b}) {
      TWO_BYTE[op] = UNDEFINED;
    }
    // VIA PadLock (xstore, xcrypt-*, xsha*, montmul): #UD on Intel and AMD, but OpenSSL's padlock
    // engine carries them in ordinary .text.
    set(TWO_BYTE, 0xa6, 0xa7, MODRM);
    TWO_BYTE[0x0d] = MODRM; // prefetch group
    TWO_BYTE[0x0f] = MODRM | IMM8; // 3DNow!: the operation is the trailing byte
    set(TWO_BYTE, 0x10, 0x23, MODRM);
    set(TWO_BYTE, 0x28, 0x2f, MODRM);
    set(TWO_BYTE, 0x40, 0x6f, MODRM);
    set(TWO_BYTE, 0x70, 0x73, MODRM | IMM8);
    set(TWO_BYTE, 0x74, 0x76, MODRM);
    set(TWO_BYTE, 0x78, 0x79, MODRM); // vmread/vmwrite; extrq/insertq take two imm8 with 66/F2
    set(TWO_BYTE, 0x7c, 0x7f, MODRM);
    set(TWO_BYTE, 0x80, 0x8f, REL32);
    set(TWO_BYTE, 0x90, 0x9f, MODRM);
    TWO_BYTE[0xa3] = MODRM;
    TWO_BYTE[0xa4] = MODRM | IMM8;
    TWO_BYTE[0xa5] = MODRM;
    TWO_BYTE[0xab] = MODRM;
    TWO_BYTE[0xac] = MODRM | IMM8;
    set(TWO_BYTE, 0xad, 0xb9, MODRM);
    TWO_BYTE[0xba] = MODRM | IMM8;
    set(TWO_BYTE, 0xbb, 0xc1, MODRM);
    TWO_BYTE[0xc2] = MODRM | IMM8;
    TWO_BYTE[0xc3] = MODRM;
    set(TWO_BYTE, 0xc4, 0xc6, MODRM | IMM8);
    TWO_BYTE[0xc7] = MODRM;
    set(TWO_BYTE, 0xd0, 0xff, MODRM);
  }

  private OpcodeTable() {}

  private static void set(int[] table, int from, int to, int flags) {
    for (int op = from; op <= to; op++) {
      table[op] = flags;
    }
  }

  /** Attributes of a legacy-encoded opcode (no VEX/EVEX). */
  static int legacy(int map, int opcode) {
    return switch (map) {
      case MAP_ONE_BYTE -> ONE_BYTE[opcode];
      case MAP_0F -> TWO_BYTE[opcode];
      case MAP_0F38 -> MODRM;
      case MAP_0F3A -> MODRM | IMM8;
      default -> UNDEFINED;
    };
  }

  /**
   * Attributes of a VEX- or EVEX-encoded opcode: every one has a ModRM byte except vzeroupper/vzeroall
   * (VEX 0f 77); the 0f3a map and a handful of 0f opcodes (shifts by immediate, cmp, pinsrw, pextrw,
   * shufps) take an imm8.
   */
  static int vex(int map, int opcode) {
    if (map == MAP_0F3A) {
      return MODRM | IMM8;
    }
    if (map == MAP_0F) {
      if (opcode == 0x77) {
        return 0;
      }
      boolean imm8 = (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xc2
          || (opcode >= 0xc4 && opcode <= 0xc6);
      return imm8 ? MODRM | IMM8 : MODRM;
    }
    return MODRM;
  }

  /** Attributes of an XOP-encoded opcode: map 8 takes an imm8, map 9 none, map 0Ah an imm32. */
  static int xop(int map) {
    return switch (map) {
      case MAP_XOP8 -> MODRM | IMM8;
      case MAP_XOP9 -> MODRM;
      case MAP_XOPA -> MODRM | IMM32;
      default -> UNDEFINED;
    };
  }

  /**
   * Group opcodes whose other /digits (or register forms) are undefined: the CPU raises #UD and objdump
   * prints (bad). Returns the message, or null when the form is defined.
   */
  static String undefinedGroupMember(Encoding e) {
    if (!e.legacy()) {
      return null;
    }
    int reg = e.regField();
    boolean register = e.registerForm();
    boolean undefined = switch (e.map) {
      case MAP_ONE_BYTE -> switch (e.opcode) {
        case 0x8d -> register; // lea needs memory
        case 0x8c -> reg > 5;
        case 0x8e -> reg == 1 || reg > 5; // no mov to %cs, nothing beyond %gs
        case 0xc6, 0xc7 -> reg != 0 && e.modrm != 0xf8; // mov, or xabort/xbegin
        case 0xfe -> reg > 1;
        case 0xff -> reg == 7 || (register && (reg == 3 || reg == 5)); // far call/jmp need memory
        default -> false;
      };
      case MAP_0F -> (e.opcode == 0xb2 || e.opcode == 0xb4 || e.opcode == 0xb5) && register; // lss/lfs/lgs
      default -> false;
    };
    return undefined ? String.format("undefined opcode %s /%d%s", e.opcodeName(), reg,
        register ? " with a register operand" : "") : null;
  }
}
