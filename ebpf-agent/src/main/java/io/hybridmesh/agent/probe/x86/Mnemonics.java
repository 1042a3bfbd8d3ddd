package io.hybridmesh.agent.probe.x86;

/**
 * Names an instruction the way objdump's AT&T output would, closely enough for a person reading a
 * report: every one-byte opcode, the common two-byte ones (cmov, set, movzx/movsx, bit ops, the SSE
 * moves and logic a compiler emits in prologues) and a generic "op 0f 38 f7" / "vex 0f 6f" for the rest.
 */
final class Mnemonics {

  /** Condition suffixes in the order of the low opcode nibble (jo, jno, jb, jae, ...). */
  static final String[] CONDITIONS = {
      "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"};

  private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
  private static final String[] SHIFT = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};
  private static final String[] UNARY = {"test", "test", "not", "neg", "mul", "imul", "div", "idiv"};
  private static final String[] GROUP5 = {"inc", "dec", "call", "lcall", "jmp", "ljmp", "push", "(bad)"};

  private static final String[] ONE_BYTE = new String[256];
  private static final String[] TWO_BYTE = new String[256];

  static {
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 6; j++) {
        ONE_BYTE[i * 8 + j] = ALU[i];
      }
      ONE_BYTE[0x50 + i] = "push";
      ONE_BYTE[0x58 + i] = "pop";
      ONE_BYTE[0x91 + i] = "xchg";
      ONE_BYTE[0xb0 + i] = "mov";
      ONE_BYTE[0xb8 + i] = "mov";
      TWO_BYTE[0xc8 + i] = "bswap";
    }
    for (int cc = 0; cc < 16; cc++) {
      ONE_BYTE[0x70 + cc] = "j" + CONDITIONS[cc];
      TWO_BYTE[0x80 + cc] = "j" + CONDITIONS[cc];
      TWO_BYTE[0x40 + cc] = "cmov" + CONDITIONS[cc];
      TWO_BYTE[0x90 + cc] = "set" + CONDITIONS[cc];
    }
    String[][] one = {
        {"63", "movsxd"}, {"68", "push"}, {"69", "imul"}, {"6a", "push"}, {"6b", "imul"},
        {"6c", "insb"}, {"6d", "insl"}, {"6e", "outsb"}, {"6f", "outsl"}, {"84", "test"}, {"85", "test"},
        {"86", "xchg"}, {"87", "xchg"}, {"88", "mov"}, {"89", "mov"}, {"8a", "mov"}, {"8b", "mov"},
        {"8c", "mov"}, {"8d", "lea"}, {"8e", "mov"}, {"8f", "pop"}, {"90", "nop"}, {"9b", "fwait"},
        {"9c", "pushf"}, {"9d", "popf"}, {"9e", "sahf"}, {"9f", "lahf"}, {"a0", "movabs"},
        {"a1", "movabs"}, {"a2", "movabs"}, {"a3", "movabs"}, {"a4", "movsb"}, {"a5", "movs"},
        {"a6", "cmpsb"}, {"a7", "cmps"}, {"a8", "test"}, {"a9", "test"}, {"aa", "stos"}, {"ab", "stos"},
        {"ac", "lods"}, {"ad", "lods"}, {"ae", "scas"}, {"af", "scas"}, {"c2", "ret"}, {"c3", "ret"},
        {"c6", "mov"}, {"c7", "mov"}, {"c8", "enter"}, {"c9", "leave"}, {"ca", "lret"}, {"cb", "lret"},
        {"cc", "int3"}, {"cd", "int"}, {"cf", "iret"}, {"d7", "xlat"}, {"e0", "loopne"}, {"e1", "loope"},
        {"e2", "loop"}, {"e3", "jrcxz"}, {"e4", "in"}, {"e5", "in"}, {"e6", "out"}, {"e7", "out"},
        {"e8", "call"}, {"e9", "jmp"}, {"eb", "jmp"}, {"ec", "in"}, {"ed", "in"}, {"ee", "out"},
        {"ef", "out"}, {"f1", "int1"}, {"f4", "hlt"}, {"f5", "cmc"}, {"f8", "clc"}, {"f9", "stc"},
        {"fa", "cli"}, {"fb", "sti"}, {"fc", "cld"}, {"fd", "std"}};
    fill(ONE_BYTE, one);
    String[][] two = {
        {"02", "lar"}, {"03", "lsl"}, {"05", "syscall"}, {"06", "clts"}, {"07", "sysret"}, {"08", "invd"},
        {"09", "wbinvd"}, {"0b", "ud2"}, {"0d", "prefetch"}, {"0e", "femms"}, {"18", "prefetch"},
        {"1f", "nop"}, {"20", "mov"}, {"21", "mov"}, {"22", "mov"}, {"23", "mov"}, {"30", "wrmsr"},
        {"31", "rdtsc"}, {"32", "rdmsr"}, {"33", "rdpmc"}, {"34", "sysenter"}, {"35", "sysexit"},
        {"37", "getsec"}, {"77", "emms"}, {"a0", "push"}, {"a1", "pop"}, {"a2", "cpuid"}, {"a3", "bt"},
        {"a4", "shld"}, {"a5", "shld"}, {"a6", "padlock"}, {"a7", "padlock"}, {"a8", "push"},
        {"a9", "pop"}, {"aa", "rsm"}, {"ab", "bts"},
        {"ac", "shrd"}, {"ad", "shrd"}, {"af", "imul"}, {"b0", "cmpxchg"}, {"b1", "cmpxchg"},
        {"b2", "lss"}, {"b3", "btr"}, {"b4", "lfs"}, {"b5", "lgs"}, {"b9", "ud1"}, {"bb", "btc"},
        {"c0", "xadd"}, {"c1", "xadd"}, {"c3", "movnti"}, {"ff", "ud0"}, {"d7", "pmovmskb"},
        {"ef", "pxor"}, {"d6", "movq"}, {"6e", "movd"}, {"7e", "movd"}, {"74", "pcmpeqb"},
        {"75", "pcmpeqw"}, {"76", "pcmpeqd"}, {"c5", "pextrw"}, {"c4", "pinsrw"}, {"db", "pand"},
        {"eb", "por"}, {"d4", "paddq"}, {"fe", "paddd"}, {"70", "pshuf"}, {"2e", "ucomis"},
        {"2f", "comis"}, {"2a", "cvtsi2"}, {"2c", "cvtt"}, {"2d", "cvt"}};
    fill(TWO_BYTE, two);
  }

  private Mnemonics() {}

  private static void fill(String[] table, String[][] names) {
    for (String[] n : names) {
      table[Integer.parseInt(n[0], 16)] = n[1];
    }
  }

  static String of(Encoding e) {
    if (!e.legacy()) {
      return vector(e);
    }
    return switch (e.map) {
      case OpcodeTable.MAP_ONE_BYTE -> oneByte(e);
      case OpcodeTable.MAP_0F -> twoByte(e);
      default -> generic(e);
    };
  }

  private static String oneByte(Encoding e) {
    int op = e.opcode;
    int reg = e.hasModrm() ? e.regField() : 0;
    return switch (op) {
      case 0x80, 0x81, 0x83 -> ALU[reg];
      case 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3 -> SHIFT[reg];
      case 0xf6, 0xf7 -> UNARY[reg];
      case 0xfe -> reg == 0 ? "inc" : "dec";
      case 0xff -> GROUP5[reg];
      case 0x63 -> e.rexW() ? "movslq" : "movsxd";
      case 0x90 -> (e.rex & 1) != 0 ? "xchg" : e.rep == 0xf3 ? "pause" : "nop";
      case 0x98 -> e.rexW() ? "cltq" : e.operandSize66 ? "cbtw" : "cwtl";
      case 0x99 -> e.rexW() ? "cqto" : e.operandSize66 ? "cwtd" : "cltd";
      case 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf -> e.rexW() ? "movabs" : "mov";
      case 0xc6 -> e.modrm == 0xf8 ? "xabort" : "mov";
      case 0xc7 -> e.modrm == 0xf8 ? "xbegin" : "mov";
      case 0xcf -> e.rexW() ? "iretq" : "iret";
      case 0xe3 -> e.addressSize67 ? "jecxz" : "jrcxz";
      default -> {
        if (op >= 0xd8 && op <= 0xdf) {
          yield e.modrm == 0xe0 && op == 0xdf ? "fnstsw" : "x87 " + hex(op);
        }
        String name = ONE_BYTE[op];
        yield name != null ? name : "op " + hex(op);
      }
    };
  }

  private static String twoByte(Encoding e) {
    int op = e.opcode;
    int reg = e.hasModrm() ? e.regField() : 0;
    int prefix = e.mandatoryPrefix();
    String size = e.rexW() ? "q" : e.operandSize66 ? "w" : "l";
    return switch (op) {
      case 0x1e -> e.rep == 0xf3 && e.modrm == 0xfa ? "endbr64"
          : e.rep == 0xf3 && e.modrm == 0xfb ? "endbr32"
          : e.rep == 0xf3 && e.registerForm() && reg == 1 ? (e.rexW() ? "rdsspq" : "rdsspd") : "nop";
      case 0x19, 0x1a, 0x1b, 0x1c, 0x1d -> "nop";
      case 0x01 -> group7(e);
      case 0xb6 -> "movzb" + size;
      case 0xb7 -> "movzw" + size;
      case 0xbe -> "movsb" + size;
      case 0xbf -> "movsw" + size;
      case 0xb8 -> "popcnt";
      case 0xbc -> e.rep == 0xf3 ? "tzcnt" : "bsf";
      case 0xbd -> e.rep == 0xf3 ? "lzcnt" : "bsr";
      case 0xba -> new String[] {"(bad)", "(bad)", "(bad)", "(bad)", "bt", "bts", "btr", "btc"}[reg];
      case 0xc7 -> reg == 1 ? (e.rexW() ? "cmpxchg16b" : "cmpxchg8b")
          : reg == 6 && e.registerForm() ? "rdrand"
          : reg == 7 && e.registerForm() ? (e.rep == 0xf3 ? "rdpid" : "rdseed") : "op 0f c7 /" + reg;
      case 0xae -> e.registerForm()
          ? (e.rep == 0xf3 && reg < 4 ? new String[] {"rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase"}[reg]
              : reg == 5 ? "lfence" : reg == 6 ? "mfence" : reg == 7 ? "sfence" : "op 0f ae /" + reg)
          : new String[] {"fxsave", "fxrstor", "ldmxcsr", "stmxcsr", "xsave", "xrstor", "xsaveopt",
              "clflush"}[reg];
      case 0x10, 0x11 -> new String[] {"movups", "movupd", "movss", "movsd"}[prefix];
      case 0x28, 0x29 -> prefix == 1 ? "movapd" : "movaps";
      case 0x57 -> prefix == 1 ? "xorpd" : "xorps";
      case 0x54 -> prefix == 1 ? "andpd" : "andps";
      case 0x56 -> prefix == 1 ? "orpd" : "orps";
      case 0x6f, 0x7f -> new String[] {"movq", "movdqa", "movdqu", "(bad)"}[prefix];
      case 0x7e -> prefix == 2 ? "movq" : e.rexW() ? "movq" : "movd";
      default -> {
        String name = TWO_BYTE[op];
        yield name != null ? name : "op 0f " + hex(op);
      }
    };
  }

  private static String group7(Encoding e) {
    return switch (e.modrm) {
      case 0xd0 -> "xgetbv";
      case 0xd1 -> "xsetbv";
      case 0xd5 -> "xend";
      case 0xd6 -> "xtest";
      case 0xee -> "rdpkru";
      case 0xef -> "wrpkru";
      case 0xf8 -> "swapgs";
      case 0xf9 -> "rdtscp";
      case 0xca -> "clac";
      case 0xcb -> "stac";
      default -> "op 0f 01 /" + e.regField();
    };
  }

  private static String vector(Encoding e) {
    String kind = switch (e.form) {
      case EVEX -> "evex ";
      case XOP -> "xop ";
      default -> "vex ";
    };
    if (e.map == OpcodeTable.MAP_0F && e.form != Encoding.Form.XOP) {
      int pp = e.vexPp;
      switch (e.opcode) {
        case 0x77:
          return e.vexL == 0 ? "vzeroupper" : "vzeroall";
        case 0x10, 0x11:
          return new String[] {"vmovups", "vmovupd", "vmovss", "vmovsd"}[pp];
        case 0x28, 0x29:
          return pp == 1 ? "vmovapd" : "vmovaps";
        case 0x6f, 0x7f:
          return pp == 1 ? "vmovdqa" : pp == 2 ? "vmovdqu" : "vmovdqu8";
        case 0xef:
          return "vpxor";
        case 0xd7:
          return "vpmovmskb";
        case 0x74:
          return "vpcmpeqb";
        case 0x57:
          return pp == 1 ? "vxorpd" : "vxorps";
        default:
          break;
      }
    }
    return kind + generic(e).substring(3);
  }

  private static String generic(Encoding e) {
    String map = switch (e.map) {
      case OpcodeTable.MAP_0F -> "0f ";
      case OpcodeTable.MAP_0F38 -> "0f 38 ";
      case OpcodeTable.MAP_0F3A -> "0f 3a ";
      case OpcodeTable.MAP_5 -> "map5 ";
      case OpcodeTable.MAP_6 -> "map6 ";
      case OpcodeTable.MAP_XOP8 -> "map8 ";
      case OpcodeTable.MAP_XOP9 -> "map9 ";
      case OpcodeTable.MAP_XOPA -> "map0a ";
      default -> "";
    };
    return "op " + map + hex(e.opcode);
  }

  static String hex(int b) {
    return String.format("%02x", b);
  }
}
