package io.hybridmesh.agent.probe.x86;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One decoded x86-64 instruction.
 *
 * @param offset where it starts in the array given to {@link X86Decoder#decode}
 * @param length its length in bytes, 1 to 15
 * @param bytes its bytes (a copy)
 * @param mnemonic a short lower-case AT&T-style name ("push", "sub", "jne", "endbr64"), or a generic
 *     "op 0f 38 f7" for opcodes without a name here
 * @param kind its class, as far as uprobe placement cares
 * @param displacement for relative branches (call/jmp/jcc/loop/jrcxz/xbegin) the signed displacement from
 *     the next instruction; 0 otherwise
 * @param gprWrites bit i set when general-purpose register i is written (0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp,
 *     5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15), implicit writes included; all bits when {@code unknownEffects}
 * @param unknownEffects the decoder cannot say which registers change (system instructions, int n):
 *     treat every register as clobbered
 */
public record Instruction(int offset, int length, byte[] bytes, String mnemonic, InstructionClass kind,
    long displacement, int gprWrites, boolean unknownEffects) {

  public Instruction {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(mnemonic, "mnemonic");
    Objects.requireNonNull(kind, "kind");
    if (length < 1 || length > 15 || bytes.length != length) {
      throw new IllegalArgumentException("length " + length + " with " + bytes.length + " bytes");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The byte at {@code index} (0 to length-1) as 0-255, without copying the array. */
  public int byteAt(int index) {
    return bytes[index] & 0xff;
  }

  /**
   * Where a relative branch goes when this instruction sits at {@code instructionAddress}: the address of
   * the next instruction plus the displacement. For anything else that is simply the next instruction.
   */
  public long branchTarget(long instructionAddress) {
    return instructionAddress + length + displacement;
  }

  /** True for call rel32, jmp rel8/rel32, jcc, loop/jrcxz and xbegin. */
  public boolean isRelativeBranch() {
    return switch (kind) {
      case CALL_REL32, JMP_REL, JCC_REL, LOOP_REL -> true;
      default -> mnemonic.equals("xbegin");
    };
  }

  /** Whether general-purpose register {@code register} (0-15, see {@link GeneralRegisters}) may change. */
  public boolean mayWrite(int register) {
    return unknownEffects || (gprWrites & (1 << register)) != 0;
  }

  /** A readable form: "push %r14", "sub $0x18,%rsp", "call rel32 -> +0x1a0". Not a full disassembler. */
  public String text() {
    return InstructionText.render(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Instruction i && offset == i.offset && length == i.length
        && Arrays.equals(bytes, i.bytes) && mnemonic.equals(i.mnemonic) && kind == i.kind
        && displacement == i.displacement && gprWrites == i.gprWrites && unknownEffects == i.unknownEffects;
  }

  @Override
  public int hashCode() {
    return Objects.hash(offset, Arrays.hashCode(bytes), mnemonic, kind, displacement, gprWrites);
  }

  @Override
  public String toString() {
    return "Instruction[" + offset + ": " + HexFormat.ofDelimiter(" ").formatHex(bytes) + " " + text()
        + ", " + kind
        + (unknownEffects ? ", unknown effects" : ", writes " + GeneralRegisters.describe(gprWrites))
        + "]";
  }
}
