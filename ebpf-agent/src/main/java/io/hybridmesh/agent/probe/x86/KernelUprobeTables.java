package io.hybridmesh.agent.probe.x86;

/**
 * The x86-64 kernel's lists of instructions it agrees to probe ({@code good_insns_64} and
 * {@code good_2byte_insns} in arch/x86/kernel/uprobes.c), in the two versions that matter, and the
 * kernel's table of canonical NOPs ({@code x86_nops}). Rows are written like the kernel's own tables:
 * one row of 16 opcodes per line, '1' for allowed. The tables are indexed by the kernel decoder's first
 * opcode byte: for two-byte opcodes that is 0x0f, for VEX/EVEX the byte after the prefix.
 */
final class KernelUprobeTables {

  /** Linux 3.5 to 3.19. Read from a 3.14-era copy of the file. */
  static final boolean[] ONE_BYTE_UNTIL_4_0 = rows(
      "1111110011111100", "1111110011111100", "1111110011111100", "1111110011111100",
      "0000000000000000", "1111111111111111", "0001110011110000", "1111111111111111",
      "1101111111111111", "1111111111111111", "1111111111111111", "1111111111111111",
      "1111001111110000", "1111000111111111", "1111000011110000", "0011011111001111");

  /** Linux 3.5 to 3.19: consulted for two-byte opcodes because 0x0f is not allowed above. */
  static final boolean[] TWO_BYTE_UNTIL_4_0 = rows(
      "0000000000000011", "1111111101111111", "1111000011111111", "0111000000000000",
      "1111111111111111", "1111111111111111", "1111111111111111", "1111111100000011",
      "1111111111111111", "1111111111111111", "1111110011111101", "1111111101111111",
      "1111111111111111", "0111111111111111", "1111111111111111", "0111111111111110");

  /**
   * Linux 4.0 on (67fc809217dc "Fix 1-byte opcode tables"): prefix bytes allowed, VEX (c4/c5) allowed,
   * 9a and ea refused. Bit 0x0f is set as well, and since the kernel tests OPCODE1 first, every
   * two-byte and three-byte opcode passes; {@code good_2byte_insns} is no longer consulted for 64-bit
   * processes (as read in the source, not tested).
   */
  static final boolean[] ONE_BYTE_SINCE_4_0 = rows(
      "1111110011111101", "1111110011111100", "1111111011111110", "1111111011111110",
      "1111111111111111", "1111111111111111", "0001111111110000", "1111111111111111",
      "1101111111111111", "1111111111011111", "1111111111111111", "1111111111111111",
      "1111111111110000", "1111000111111111", "1111000011010000", "1011011111001111");

  /** {@code x86_nops[len]} for x86-64, lengths 1 to 8 ({@code ASM_NOP_MAX} was 8 until 6.5). */
  static final byte[][] X86_NOPS = {
      {},
      {(byte) 0x90},
      {0x66, (byte) 0x90},
      {0x0f, 0x1f, 0x00},
      {0x0f, 0x1f, 0x40, 0x00},
      {0x0f, 0x1f, 0x44, 0x00, 0x00},
      {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
      {0x0f, 0x1f, (byte) 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0f, 0x1f, (byte) 0x84, 0x00, 0x00, 0x00, 0x00, 0x00}};

  private KernelUprobeTables() {}

  private static boolean[] rows(String... rows) {
    boolean[] table = new boolean[256];
    for (int row = 0; row < 16; row++) {
      for (int col = 0; col < 16; col++) {
        table[row * 16 + col] = rows[row].charAt(col) == '1';
      }
    }
    return table;
  }

  /** True when the bytes are exactly the kernel's canonical NOP of their length. */
  static boolean isKernelNop(Instruction insn) {
    int length = insn.length();
    if (length >= X86_NOPS.length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (insn.byteAt(i) != (X86_NOPS[length][i] & 0xff)) {
        return false;
      }
    }
    return true;
  }
}
