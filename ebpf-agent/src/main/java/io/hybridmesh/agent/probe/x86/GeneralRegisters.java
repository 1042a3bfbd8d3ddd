package io.hybridmesh.agent.probe.x86;

import java.util.StringJoiner;

/** The numbering {@link Instruction#gprWrites()} uses, and names for reports. */
public final class GeneralRegisters {

  public static final int RAX = 0;
  public static final int RCX = 1;
  public static final int RDX = 2;
  public static final int RBX = 3;
  public static final int RSP = 4;
  public static final int RBP = 5;
  public static final int RSI = 6;
  public static final int RDI = 7;
  public static final int R8 = 8;
  public static final int R9 = 9;
  public static final int R10 = 10;
  public static final int R11 = 11;
  public static final int R12 = 12;
  public static final int R13 = 13;
  public static final int R14 = 14;
  public static final int R15 = 15;

  /** Every general-purpose register: what an instruction with unknown effects may write. */
  public static final int ALL = 0xffff;

  private static final String[] NAMES = {
      "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

  private GeneralRegisters() {}

  /** "rax" .. "r15". */
  public static String name(int register) {
    return NAMES[register];
  }

  /** The bit for one register, to build masks such as {@code bit(RDI) | bit(RSI)}. */
  public static int bit(int register) {
    return 1 << register;
  }

  /** "nothing", or the registers in a mask: "rsp, rcx". */
  public static String describe(int mask) {
    if ((mask & ALL) == 0) {
      return "nothing";
    }
    StringJoiner out = new StringJoiner(", ");
    for (int r = 0; r < 16; r++) {
      if ((mask & (1 << r)) != 0) {
        out.add(NAMES[r]);
      }
    }
    return out.toString();
  }
}
