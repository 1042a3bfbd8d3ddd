package io.hybridmesh.agent.probe.x86;

/**
 * Which general-purpose registers an instruction writes: its explicit destination (a partial write such
 * as {@code mov %dl,..} into a register counts) plus the implicit ones (push/pop/call write %rsp, mul and
 * div %rdx:%rax, string instructions %rdi/%rsi/%rcx, syscall %rax/%rcx/%r11, cpuid four registers).
 * Flags, memory and vector registers are not counted. Conservative by construction: an opcode this
 * class does not know to be harmless is reported as {@link #UNKNOWN}, never as "writes nothing".
 */
final class RegisterWrites {

  static final int RAX = 1;
  static final int RCX = 1 << 1;
  static final int RDX = 1 << 2;
  static final int RBX = 1 << 3;
  static final int RSP = 1 << 4;
  static final int RBP = 1 << 5;
  static final int RSI = 1 << 6;
  static final int RDI = 1 << 7;
  static final int R11 = 1 << 11;
  /** Not a register: the answer when the instruction's effects are not known precisely. */
  static final int UNKNOWN = 1 << 16;

  private RegisterWrites() {}

  /** A register bitmask (bits 0-15), possibly with {@link #UNKNOWN} set. */
  static int of(Encoding e) {
    if (!e.legacy()) {
      return VectorRegisterWrites.of(e);
    }
    return switch (e.map) {
      case OpcodeTable.MAP_ONE_BYTE -> oneByte(e);
      case OpcodeTable.MAP_0F -> twoByte(e);
      case OpcodeTable.MAP_0F38 -> map0f38(e);
      default -> map0f3a(e);
    };
  }

  static int bit(int register) {
    return 1 << register;
  }

  /** The ModRM.rm register when the operand is a register, else nothing (a store to memory). */
  static int rmIfRegister(Encoding e) {
    return e.registerForm() ? bit(byteRegister(e, e.rmIndex())) : 0;
  }

  private static int reg(Encoding e) {
    return bit(byteRegister(e, e.regIndex()));
  }

  /**
   * Without any REX prefix, byte registers 4-7 are %ah, %ch, %dh, %bh: parts of rax..rbx, not of
   * rsp..rdi. (With a REX prefix they are %spl, %bpl, %sil, %dil.)
   */
  private static int byteRegister(Encoding e, int index) {
    return e.rex == 0 && index >= 4 && index < 8 && byteOperands(e) ? index - 4 : index;
  }

  private static boolean byteOperands(Encoding e) {
    if (!e.legacy()) {
      return false;
    }
    int op = e.opcode;
    if (e.map == OpcodeTable.MAP_0F) {
      return (op >= 0x90 && op <= 0x9f) || op == 0xb0 || op == 0xc0; // setcc, cmpxchg, xadd
    }
    if (e.map != OpcodeTable.MAP_ONE_BYTE) {
      return false;
    }
    if (op < 0x40) {
      return (op & 7) < 4 && (op & 1) == 0;
    }
    return switch (op) {
      case 0x80, 0x84, 0x86, 0x88, 0x8a, 0xc0, 0xc6, 0xd0, 0xd2, 0xf6, 0xfe -> true;
      default -> op >= 0xb0 && op <= 0xb7;
    };
  }

  private static int stringOp(Encoding e, int writes) {
    return e.rep != 0 ? writes | RCX : writes;
  }

  private static int oneByte(Encoding e) {
    int op = e.opcode;
    if (op < 0x40) {
      int column = op & 7;
      boolean cmp = (op & 0x38) == 0x38;
      if (cmp) {
        return 0;
      }
      return switch (column) {
        case 0, 1 -> rmIfRegister(e);
        case 2, 3 -> reg(e);
        default -> RAX; // al/eAX with an immediate
      };
    }
    if (op >= 0x50 && op <= 0x57) {
      return RSP;
    }
    if (op >= 0x58 && op <= 0x5f) {
      return RSP | bit(e.opcodeRegIndex());
    }
    if (op >= 0x70 && op <= 0x7f) {
      return 0;
    }
    if (op >= 0x91 && op <= 0x97) {
      return RAX | bit(e.opcodeRegIndex());
    }
    if (op >= 0xb0 && op <= 0xbf) {
      return bit(byteRegister(e, e.opcodeRegIndex()));
    }
    if (op >= 0xd8 && op <= 0xdf) {
      return op == 0xdf && e.modrm == 0xe0 ? RAX : 0; // fnstsw %ax; other x87 ops write no GPR
    }
    int r = e.hasModrm() ? e.regField() : 0;
    return switch (op) {
      case 0x63, 0x69, 0x6b, 0x8a, 0x8b, 0x8d -> reg(e);
      case 0x68, 0x6a, 0x9c, 0xe8 -> RSP;
      case 0x6c, 0x6d -> stringOp(e, RDI);
      case 0x6e, 0x6f -> stringOp(e, RSI);
      case 0x80, 0x81, 0x83 -> r == 7 ? 0 : rmIfRegister(e);
      case 0x84, 0x85, 0xa8, 0xa9, 0x8e, 0xa2, 0xa3, 0x9b, 0x9e -> 0;
      case 0x86, 0x87 -> reg(e) | rmIfRegister(e);
      case 0x88, 0x89, 0x8c, 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3 -> rmIfRegister(e);
      case 0x8f -> RSP | rmIfRegister(e);
      case 0x90 -> (e.rex & 1) != 0 ? RAX | bit(8) : 0; // 49 90 is xchg %rax,%r8, not a nop
      case 0x98, 0x9f, 0xa0, 0xa1, 0xd7, 0xe4, 0xe5, 0xec, 0xed -> RAX;
      case 0x99 -> RDX;
      case 0x9d, 0xc2, 0xc3, 0xca, 0xcb -> RSP;
      case 0xa4, 0xa5, 0xa6, 0xa7 -> stringOp(e, RSI | RDI);
      case 0xaa, 0xab, 0xae, 0xaf -> stringOp(e, RDI);
      case 0xac, 0xad -> stringOp(e, RAX | RSI);
      case 0xc6 -> e.modrm == 0xf8 ? 0 : rmIfRegister(e); // xabort writes no register itself
      case 0xc7 -> e.modrm == 0xf8 ? RAX : rmIfRegister(e); // xbegin: %eax holds the abort status
      case 0xc8, 0xc9 -> RSP | RBP;
      case 0xcc, 0xe3, 0xe6, 0xe7, 0xe9, 0xeb, 0xee, 0xef, 0xf4, 0xf5, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
          0xfd -> 0;
      case 0xe0, 0xe1, 0xe2 -> RCX;
      case 0xf6 -> r <= 1 ? 0 : r <= 3 ? rmIfRegister(e) : RAX; // 8-bit mul/div: %ax only
      case 0xf7 -> r <= 1 ? 0 : r <= 3 ? rmIfRegister(e) : RAX | RDX;
      case 0xfe -> rmIfRegister(e);
      case 0xff -> switch (r) {
        case 0, 1 -> rmIfRegister(e);
        case 2, 3, 6 -> RSP;
        default -> 0; // jmp, ljmp
      };
      default -> UNKNOWN; // int n, int1, iret: the kernel or a signal handler runs in between
    };
  }

  private static int twoByte(Encoding e) {
    int op = e.opcode;
    int r = e.hasModrm() ? e.regField() : 0;
    int prefix = e.mandatoryPrefix();
    if ((op >= 0x40 && op <= 0x4f) || op == 0xaf || (op >= 0xb6 && op <= 0xb8) || op == 0xbc
        || op == 0xbd || op == 0xbe || op == 0xbf || op == 0x02 || op == 0x03 || op == 0xb2
        || op == 0xb4 || op == 0xb5 || op == 0xd7 || op == 0xc5 || op == 0x50) {
      return reg(e); // cmov, imul, movzx/movsx, popcnt, bsf/bsr, lar/lsl, lss.., pmovmskb, pextrw, movmsk
    }
    if ((op >= 0x80 && op <= 0x8f) || (op >= 0x10 && op <= 0x1d)
        || op == 0x0b || op == 0x0d || op == 0x0e || op == 0x1f || op == 0x77) {
      return 0; // jcc, SSE moves, prefetch and hint nops, ud2, emms
    }
    if (op >= 0x90 && op <= 0x9f) {
      return rmIfRegister(e); // setcc
    }
    if (op >= 0xc8 && op <= 0xcf) {
      return bit(e.opcodeRegIndex()); // bswap
    }
    return switch (op) {
      case 0x00 -> r <= 1 ? rmIfRegister(e) : 0; // sldt/str store, the rest load system state
      case 0x01 -> switch (e.modrm) {
        case 0xd0, 0xee -> RAX | RDX; // xgetbv, rdpkru
        case 0xf9 -> RAX | RDX | RCX; // rdtscp
        case 0xd5, 0xd6, 0xca, 0xcb -> 0; // xend, xtest, clac, stac
        default -> r == 4 ? rmIfRegister(e) : UNKNOWN; // smsw; the rest are system instructions
      };
      case 0x05 -> RAX | RCX | R11; // syscall: return value, and the kernel's %rip/%rflags saves
      case 0x1e -> e.rep == 0xf3 && e.registerForm() && r == 1 ? rmIfRegister(e) : 0; // rdssp
      case 0x20, 0x21 -> rmIfRegister(e); // mov from %cr/%dr
      case 0x22, 0x23, 0x30, 0xa3, 0xc3, 0xff, 0xb9, 0x0f -> 0;
      case 0x2a, 0x2e, 0x2f, 0x6e -> 0; // conversions into vector registers, compares into flags
      case 0x2c, 0x2d -> prefix >= 2 ? reg(e) : 0; // cvt(t)ss2si/sd2si write a GPR, the ps/pd forms MMX
      case 0x31, 0x32, 0x33 -> RAX | RDX; // rdtsc, rdmsr, rdpmc
      case 0xa0, 0xa8 -> RSP;
      case 0xa1, 0xa9 -> RSP; // pop %fs/%gs
      case 0xa2 -> RAX | RBX | RCX | RDX; // cpuid
      case 0xa4, 0xa5, 0xab, 0xac, 0xad, 0xb3, 0xbb -> rmIfRegister(e);
      case 0xae -> e.registerForm() && e.rep == 0xf3 && r <= 1 ? rmIfRegister(e) : 0; // rdfsbase/rdgsbase
      case 0xb0, 0xb1 -> RAX | rmIfRegister(e); // cmpxchg: %rax on failure, the destination on success
      case 0xba -> r == 4 ? 0 : rmIfRegister(e); // bt only reads
      case 0xc0, 0xc1 -> reg(e) | rmIfRegister(e); // xadd
      case 0xc2, 0xc4, 0xc6 -> 0;
      case 0xc7 -> switch (r) {
        case 1 -> RAX | RDX; // cmpxchg8b/16b
        case 6, 7 -> rmIfRegister(e); // rdrand, rdseed, rdpid
        default -> 0; // xrstors, xsavec, xsaves, vmptrld.. (memory)
      };
      case 0x78 -> prefix == 0 ? rmIfRegister(e) : 0; // vmread; extrq/insertq are SSE
      case 0x79 -> 0;
      case 0x7e -> prefix == 2 ? 0 : rmIfRegister(e); // movd/movq to r/m; F3 0f 7e is movq xmm,xmm
      default -> vectorOnly(op) ? 0 : UNKNOWN;
    };
  }

  /** The SSE/MMX rows whose destinations are vector registers or memory. */
  private static boolean vectorOnly(int op) {
    return (op >= 0x28 && op <= 0x2f) || (op >= 0x51 && op <= 0x7f) || (op >= 0xd0 && op <= 0xfe);
  }

  private static int map0f38(Encoding e) {
    return switch (e.opcode) {
      case 0xf0, 0xf1 -> e.rep == 0xf2 || e.opcode == 0xf0 ? reg(e) : rmIfRegister(e); // crc32, movbe
      case 0xf6 -> e.rep == 0xf3 || e.operandSize66 ? reg(e) : UNKNOWN; // adox/adcx
      case 0xf5, 0xf8, 0xf9 -> 0; // wruss, movdir64b/enqcmd, movdiri: memory
      default -> e.opcode < 0xf0 ? 0 : UNKNOWN; // SSSE3/SSE4 vector ops
    };
  }

  private static int map0f3a(Encoding e) {
    return switch (e.opcode) {
      case 0x14, 0x15, 0x16, 0x17 -> rmIfRegister(e); // pextrb/w/d/q, extractps
      case 0x61, 0x63 -> RCX; // pcmpestri/pcmpistri: the index in %ecx
      default -> e.opcode < 0xf0 ? 0 : UNKNOWN;
    };
  }
}
