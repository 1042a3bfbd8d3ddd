package io.hybridmesh.agent.probe.x86;

import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RAX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RBP;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RBX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RCX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RDI;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RDX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RSI;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RSP;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.bit;
import static io.hybridmesh.agent.probe.x86.InstructionClass.CALL_INDIRECT;
import static io.hybridmesh.agent.probe.x86.InstructionClass.CALL_REL32;
import static io.hybridmesh.agent.probe.x86.InstructionClass.ENDBR;
import static io.hybridmesh.agent.probe.x86.InstructionClass.INT3;
import static io.hybridmesh.agent.probe.x86.InstructionClass.JCC_REL;
import static io.hybridmesh.agent.probe.x86.InstructionClass.JMP_INDIRECT;
import static io.hybridmesh.agent.probe.x86.InstructionClass.JMP_REL;
import static io.hybridmesh.agent.probe.x86.InstructionClass.LOOP_REL;
import static io.hybridmesh.agent.probe.x86.InstructionClass.NOP;
import static io.hybridmesh.agent.probe.x86.InstructionClass.OTHER;
import static io.hybridmesh.agent.probe.x86.InstructionClass.POP_REG;
import static io.hybridmesh.agent.probe.x86.InstructionClass.PUSH_REG;
import static io.hybridmesh.agent.probe.x86.InstructionClass.RET;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hand-assembled instructions: lengths, names, classes, text and register writes. */
class X86DecoderTest {

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static Instruction decode(String bytes) throws X86DecodeException {
    return X86Decoder.decode(hex(bytes));
  }

  /** bytes, length, mnemonic, class, text (null: not checked). */
  static Stream<Arguments> encodings() {
    return Stream.of(
        // prologues and wrappers
        Arguments.of("41 56", 2, "push", PUSH_REG, "push %r14"),
        Arguments.of("55", 1, "push", PUSH_REG, "push %rbp"),
        Arguments.of("66 50", 2, "push", PUSH_REG, "push %ax"),
        Arguments.of("41 5f", 2, "pop", POP_REG, "pop %r15"),
        Arguments.of("48 83 ec 18", 4, "sub", OTHER, "sub $0x18,%rsp"),
        Arguments.of("48 81 ec 00 01 00 00", 7, "sub", OTHER, "sub $0x100,%rsp"),
        Arguments.of("48 83 e4 f0", 4, "and", OTHER, "and $0xfffffffffffffff0,%rsp"),
        Arguments.of("48 89 e5", 3, "mov", OTHER, "mov %rsp,%rbp"),
        Arguments.of("48 63 d2", 3, "movslq", OTHER, "movslq %edx,%rdx"),
        Arguments.of("0f b6 c2", 3, "movzbl", OTHER, "movzbl %dl,%eax"),
        Arguments.of("48 0f bf c7", 4, "movswq", OTHER, "movswq %di,%rax"),
        Arguments.of("85 d2", 2, "test", OTHER, "test %edx,%edx"),
        Arguments.of("31 c0", 2, "xor", OTHER, "xor %eax,%eax"),
        Arguments.of("0f 48 c2", 3, "cmovs", OTHER, "cmovs %edx,%eax"),
        Arguments.of("0f 94 c0", 3, "sete", OTHER, "sete %al"),
        Arguments.of("c9", 1, "leave", OTHER, "leave"),
        Arguments.of("c3", 1, "ret", RET, "ret"),
        Arguments.of("f3 c3", 2, "ret", RET, null),
        Arguments.of("c2 08 00", 3, "ret", RET, "ret $0x8"),
        Arguments.of("cc", 1, "int3", INT3, "int3"),
        Arguments.of("f3 0f 1e fa", 4, "endbr64", ENDBR, "endbr64"),
        Arguments.of("f3 0f 1e fb", 4, "endbr32", ENDBR, "endbr32"),
        Arguments.of("f3 48 0f 1e c8", 5, "rdsspq", OTHER, null),
        // the kernel's eight x86_nops and other nop forms
        Arguments.of("90", 1, "nop", NOP, "nop"),
        Arguments.of("66 90", 2, "nop", NOP, "nop"),
        Arguments.of("0f 1f 00", 3, "nop", NOP, "nop (%rax)"),
        Arguments.of("0f 1f 40 00", 4, "nop", NOP, "nop 0x0(%rax)"),
        Arguments.of("0f 1f 44 00 00", 5, "nop", NOP, "nop 0x0(%rax,%rax,1)"),
        Arguments.of("66 0f 1f 44 00 00", 6, "nop", NOP, null),
        Arguments.of("0f 1f 80 00 00 00 00", 7, "nop", NOP, "nop 0x0(%rax)"),
        Arguments.of("0f 1f 84 00 00 00 00 00", 8, "nop", NOP, "nop 0x0(%rax,%rax,1)"),
        Arguments.of("66 2e 0f 1f 84 00 00 00 00 00", 10, "nop", NOP, "nop %cs:0x0(%rax,%rax,1)"),
        Arguments.of("66 66 2e 0f 1f 84 00 00 00 00 00", 11, "nop", NOP, null),
        Arguments.of("f3 90", 2, "pause", OTHER, "pause"),
        Arguments.of("41 90", 2, "xchg", OTHER, "xchg %r8d,%eax"),
        Arguments.of("48 90", 2, "nop", NOP, null),
        // branches
        Arguments.of("e8 10 00 00 00", 5, "call", CALL_REL32, "call rel32 -> +0x10"),
        Arguments.of("e9 f0 ff ff ff", 5, "jmp", JMP_REL, "jmp rel32 -> -0x10"),
        Arguments.of("eb fe", 2, "jmp", JMP_REL, "jmp rel8 -> -0x2"),
        Arguments.of("74 05", 2, "je", JCC_REL, "je rel8 -> +0x5"),
        Arguments.of("7f 00", 2, "jg", JCC_REL, null),
        Arguments.of("0f 85 00 01 00 00", 6, "jne", JCC_REL, "jne rel32 -> +0x100"),
        Arguments.of("0f 8c fa ff ff ff", 6, "jl", JCC_REL, null),
        Arguments.of("66 e9 00 00 00 00", 6, "jmp", JMP_REL, null), // Intel: 66 ignored, still rel32
        Arguments.of("66 eb 00", 3, "jmp", JMP_REL, null),
        Arguments.of("66 0f 84 00 00 00 00", 7, "je", JCC_REL, null),
        Arguments.of("e3 05", 2, "jrcxz", LOOP_REL, null),
        Arguments.of("67 e3 05", 3, "jecxz", LOOP_REL, null),
        Arguments.of("e2 fe", 2, "loop", LOOP_REL, null),
        Arguments.of("ff d0", 2, "call", CALL_INDIRECT, "call *%rax"),
        Arguments.of("ff 15 00 00 00 00", 6, "call", CALL_INDIRECT, "call *0x0(%rip)"),
        Arguments.of("41 ff e3", 3, "jmp", JMP_INDIRECT, "jmp *%r11"),
        Arguments.of("ff 24 c5 00 00 00 00", 7, "jmp", JMP_INDIRECT, "jmp *0x0(,%rax,8)"),
        Arguments.of("3e ff e0", 3, "jmp", JMP_INDIRECT, "jmp *%rax"),
        Arguments.of("c7 f8 00 00 00 00", 6, "xbegin", OTHER, null),
        // addressing: RIP-relative, SIB without base, REX.B/REX.X, 66/67 combinations
        Arguments.of("48 8d 05 f9 ff ff ff", 7, "lea", OTHER, "lea -0x7(%rip),%rax"),
        Arguments.of("4c 8d 3d 00 01 00 00", 7, "lea", OTHER, "lea 0x100(%rip),%r15"),
        Arguments.of("8b 04 25 10 00 00 00", 7, "mov", OTHER, "mov 0x10,%eax"),
        Arguments.of("8b 04 cd 00 00 00 00", 7, "mov", OTHER, "mov 0x0(,%rcx,8),%eax"),
        Arguments.of("8b 44 25 08", 4, "mov", OTHER, "mov 0x8(%rbp),%eax"),
        Arguments.of("41 8b 45 00", 4, "mov", OTHER, "mov 0x0(%r13),%eax"),
        Arguments.of("41 8b 04 24", 4, "mov", OTHER, "mov (%r12),%eax"),
        Arguments.of("42 8b 04 20", 4, "mov", OTHER, "mov (%rax,%r12,1),%eax"),
        Arguments.of("43 8b 04 2c", 4, "mov", OTHER, "mov (%r12,%r13,1),%eax"),
        Arguments.of("66 67 8b 04 24", 5, "mov", OTHER, "mov (%esp),%ax"),
        Arguments.of("67 66 89 04 24", 5, "mov", OTHER, "mov %ax,(%esp)"),
        Arguments.of("67 8b 05 00 00 00 00", 7, "mov", OTHER, "mov 0x0(%eip),%eax"),
        Arguments.of("64 48 8b 04 25 28 00 00 00", 9, "mov", OTHER, "mov %fs:0x28,%rax"),
        Arguments.of("f0 48 0f b1 0a", 5, "cmpxchg", OTHER, "lock cmpxchg %rcx,(%rdx)"),
        Arguments.of("48 66 90", 3, "nop", NOP, null), // REX before 66 is ignored but consumed
        // immediates: imm64, moffs, enter, test groups, operand size
        Arguments.of("48 b8 01 02 03 04 05 06 07 08", 10, "movabs", OTHER, "movabs $0x807060504030201,%rax"),
        Arguments.of("49 bf 00 00 00 00 00 00 00 80", 10, "movabs", OTHER, null),
        Arguments.of("b8 01 00 00 00", 5, "mov", OTHER, "mov $0x1,%eax"),
        Arguments.of("66 b8 01 00", 4, "mov", OTHER, "mov $0x1,%ax"),
        Arguments.of("66 48 b8 01 02 03 04 05 06 07 08", 11, "movabs", OTHER, null), // REX.W beats 66
        Arguments.of("48 c7 c0 ff ff ff ff", 7, "mov", OTHER, "mov $0xffffffffffffffff,%rax"),
        Arguments.of("66 48 35 57 88 90 f6", 7, "xor", OTHER, null), // REX.W: imm32 despite 66
        Arguments.of("a1 01 02 03 04 05 06 07 08", 9, "movabs", OTHER, "movabs 0x807060504030201,%eax"),
        Arguments.of("67 a1 01 02 03 04", 6, "movabs", OTHER, null),
        Arguments.of("48 a3 08 07 06 05 04 03 02 01", 10, "movabs", OTHER, null),
        Arguments.of("c8 10 00 01", 4, "enter", OTHER, null),
        Arguments.of("f6 04 24 05", 4, "test", OTHER, "test $0x5,(%rsp)"),
        Arguments.of("f7 c0 01 00 00 00", 6, "test", OTHER, "test $0x1,%eax"),
        Arguments.of("66 f7 c0 01 00", 5, "test", OTHER, "test $0x1,%ax"),
        Arguments.of("f7 d8", 2, "neg", OTHER, "neg %eax"),
        Arguments.of("f6 e1", 2, "mul", OTHER, "mul %cl"),
        Arguments.of("6a 00", 2, "push", OTHER, "push $0x0"),
        Arguments.of("68 00 01 00 00", 5, "push", OTHER, "push $0x100"),
        Arguments.of("6b c0 05", 3, "imul", OTHER, "imul $0x5,%eax,%eax"),
        Arguments.of("80 cc 10", 3, "or", OTHER, "or $0x10,%ah"),
        Arguments.of("40 80 cc 10", 4, "or", OTHER, "or $0x10,%spl"),
        // 0F map oddities
        Arguments.of("0f 05", 2, "syscall", OTHER, "syscall"),
        Arguments.of("0f 0b", 2, "ud2", OTHER, "ud2"),
        Arguments.of("0f 20 c0", 3, "mov", OTHER, null),
        Arguments.of("0f 20 40", 3, "mov", OTHER, null), // mod ignored: never an address
        Arguments.of("0f 0f c1 9e", 4, "op 0f 0f", OTHER, null), // 3DNow!: pfadd
        Arguments.of("66 0f 78 c0 08 10", 6, "op 0f 78", OTHER, null), // extrq $8,$16 (SSE4a)
        Arguments.of("f3 0f a7 c8", 4, "padlock", OTHER, null), // VIA xcrypt-ecb
        Arguments.of("66 0f 3a 0f c1 08", 6, "op 0f 3a 0f", OTHER, null), // palignr
        Arguments.of("66 0f 38 00 c1", 5, "op 0f 38 00", OTHER, null), // pshufb
        Arguments.of("f3 0f b8 c1", 4, "popcnt", OTHER, "popcnt %ecx,%eax"),
        // VEX, EVEX, XOP lengths
        Arguments.of("c5 f8 77", 3, "vzeroupper", OTHER, "vzeroupper"),
        Arguments.of("c5 fc 77", 3, "vzeroall", OTHER, null),
        Arguments.of("c5 fd 6f 04 24", 5, "vmovdqa", OTHER, null),
        Arguments.of("c4 e2 7d 18 05 00 00 00 00", 9, "vex 0f 38 18", OTHER, null), // vbroadcastss (%rip)
        Arguments.of("c4 e3 7d 19 c1 01", 6, "vex 0f 3a 19", OTHER, null), // vextractf128 $1
        Arguments.of("c5 f9 70 c0 1b", 5, "vex 0f 70", OTHER, null), // vpshufd imm8
        Arguments.of("c4 e2 70 f7 c2", 5, "vex 0f 38 f7", OTHER, null), // bextr %ecx,%edx,%eax
        Arguments.of("62 f1 7c 48 28 44 24 01", 8, "vmovaps", OTHER, null), // disp8*N stays one byte
        Arguments.of("62 f3 7d 48 25 c0 ff", 7, "evex 0f 3a 25", OTHER, null), // vpternlogd $0xff
        Arguments.of("62 f1 7d 48 6f 84 24 00 01 00 00", 11, "vmovdqa", OTHER, null),
        Arguments.of("8f e8 78 c2 c0 07", 6, "xop map8 c2", OTHER, null), // vprotd $7
        Arguments.of("8f ea 78 10 c0 01 00 00 00", 9, "xop map0a 10", OTHER, null), // TBM bextr imm32
        Arguments.of("8f c0", 2, "pop", OTHER, "pop %rax")); // pop r/m, not the 58+r form
  }

  @ParameterizedTest(name = "{0} -> {4}")
  @MethodSource("encodings")
  void decodesLengthNameClassAndText(String bytes, int length, String mnemonic, InstructionClass kind,
      String text) throws Exception {
    Instruction insn = decode(bytes);
    assertAll(bytes,
        () -> assertEquals(length, insn.length(), "length"),
        () -> assertEquals(mnemonic, insn.mnemonic(), "mnemonic"),
        () -> assertEquals(kind, insn.kind(), "class"),
        () -> {
          if (text != null) {
            assertEquals(text, insn.text(), "text");
          }
        });
  }

  @Test
  void relativeBranchesCarryTheirDisplacement() throws Exception {
    Instruction call = decode("e8 10 00 00 00");
    assertEquals(0x10, call.displacement());
    assertEquals(0x1015, call.branchTarget(0x1000));
    assertTrue(call.isRelativeBranch());
    Instruction back = decode("eb fe");
    assertEquals(-2, back.displacement());
    assertEquals(0x1000, back.branchTarget(0x1000), "jmp to itself");
    assertEquals(-6, decode("0f 8c fa ff ff ff").displacement());
    assertEquals(5, decode("e3 05").displacement());
    assertEquals(0, decode("48 8d 05 f9 ff ff ff").displacement(), "a RIP-relative lea is not a branch");
    assertFalse(decode("ff d0").isRelativeBranch());
    assertEquals(0x1002, decode("ff d0").branchTarget(0x1000), "not a branch: the next instruction");
  }

  /** bytes, and the registers written. */
  static Stream<Arguments> registerWrites() {
    return Stream.of(
        Arguments.of("41 56", bit(RSP)),
        Arguments.of("5b", bit(RSP) | bit(RBX)),
        Arguments.of("e8 00 00 00 00", bit(RSP)),
        Arguments.of("c3", bit(RSP)),
        Arguments.of("c9", bit(RSP) | bit(RBP)),
        Arguments.of("48 99", bit(RDX)),
        Arguments.of("48 98", bit(RAX)),
        Arguments.of("48 f7 e1", bit(RAX) | bit(RDX)), // mul %rcx
        Arguments.of("48 f7 f9", bit(RAX) | bit(RDX)), // idiv %rcx
        Arguments.of("f6 e1", bit(RAX)), // mul %cl: %ax only
        Arguments.of("0f af c1", bit(RAX)), // imul %ecx,%eax
        Arguments.of("48 87 d1", bit(RDX) | bit(RCX)), // xchg
        Arguments.of("f0 0f b1 0a", bit(RAX)), // lock cmpxchg %ecx,(%rdx): %eax on failure
        Arguments.of("48 0f c7 0e", bit(RAX) | bit(RDX)), // cmpxchg16b (%rsi)
        Arguments.of("f3 48 a5", bit(RSI) | bit(RDI) | bit(RCX)), // rep movsq
        Arguments.of("48 ab", bit(RDI)), // stos without rep
        Arguments.of("ac", bit(RAX) | bit(RSI)), // lodsb
        Arguments.of("f2 ae", bit(RDI) | bit(RCX)), // repnz scasb
        Arguments.of("0f 05", bit(RAX) | bit(RCX) | bit(11)), // syscall
        Arguments.of("0f a2", bit(RAX) | bit(RBX) | bit(RCX) | bit(RDX)), // cpuid
        Arguments.of("0f 31", bit(RAX) | bit(RDX)), // rdtsc
        Arguments.of("0f 01 f9", bit(RAX) | bit(RDX) | bit(RCX)), // rdtscp
        Arguments.of("88 d6", bit(RDX)), // mov %dl,%dh: %dh is part of rdx
        Arguments.of("40 88 d6", bit(RSI)), // with REX it is %sil
        Arguments.of("b4 01", bit(RAX)), // mov $1,%ah
        Arguments.of("89 07", 0), // a store to memory
        Arguments.of("85 c0", 0),
        Arguments.of("48 39 c8", 0), // cmp
        Arguments.of("74 00", 0),
        Arguments.of("f3 0f 1e fa", 0),
        Arguments.of("66 0f d6 07", 0), // movq %xmm0,(%rdi)
        Arguments.of("66 48 0f 7e c0", bit(RAX)), // movq %xmm0,%rax
        Arguments.of("66 0f d7 c1", bit(RAX)), // pmovmskb %xmm1,%eax
        Arguments.of("c5 f9 d7 c1", bit(RAX)), // vpmovmskb
        Arguments.of("c4 e2 e3 f6 c1", bit(RAX) | bit(RBX)), // mulx %rcx,%rbx,%rax
        Arguments.of("c4 e2 70 f7 c2", bit(RAX)), // bextr
        Arguments.of("c5 f8 93 c1", bit(RAX)), // kmovw %k1,%eax
        Arguments.of("66 0f 3a 63 c1 00", bit(RCX)), // pcmpistri
        Arguments.of("49 90", bit(RAX) | bit(8)), // xchg %rax,%r8 is not a nop
        Arguments.of("c7 f8 00 00 00 00", bit(RAX)), // xbegin: abort status in %eax
        Arguments.of("df e0", bit(RAX))); // fnstsw %ax
  }

  @ParameterizedTest(name = "{0} writes {1}")
  @MethodSource("registerWrites")
  void registerWritesIncludeImplicitAndPartialOnes(String bytes, int expected) throws Exception {
    Instruction insn = decode(bytes);
    assertFalse(insn.unknownEffects(), insn.toString());
    assertEquals(GeneralRegisters.describe(expected), GeneralRegisters.describe(insn.gprWrites()),
        insn.toString());
  }

  @Test
  void systemInstructionsHaveUnknownEffectsAndClobberEverything() throws Exception {
    for (String bytes : new String[] {"cd 80", "0f 01 f8", "0f 34", "48 cf"}) {
      Instruction insn = decode(bytes);
      assertTrue(insn.unknownEffects(), insn.toString());
      assertEquals(GeneralRegisters.ALL, insn.gprWrites(), insn.toString());
      assertTrue(insn.mayWrite(RDI));
    }
  }

  /** bytes, a part of the message. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("48 8b", "truncated after 2 bytes at offset 0"),
        Arguments.of("e8 00 00", "truncated"),
        Arguments.of("66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", "longer than 15 bytes"),
        Arguments.of("06", "undefined opcode 0x06"),
        Arguments.of("1f", "undefined opcode 0x1f"),
        Arguments.of("27", "undefined opcode 0x27"),
        Arguments.of("60", "undefined opcode 0x60"),
        Arguments.of("82 c0 01", "undefined opcode 0x82"),
        Arguments.of("9a 00 00 00 00 00 00", "undefined opcode 0x9a"),
        Arguments.of("ea 00 00 00 00 00 00", "undefined opcode 0xea"),
        Arguments.of("ce", "undefined opcode 0xce"),
        Arguments.of("d4 0a", "undefined opcode 0xd4"),
        Arguments.of("d5 0a", "0xd5"),
        Arguments.of("d6", "undefined opcode 0xd6"),
        Arguments.of("0f 04", "undefined opcode 0x0f 0x04"),
        Arguments.of("8d c0", "undefined opcode 0x8d /0 with a register operand"),
        Arguments.of("c6 c8 00", "undefined opcode 0xc6 /1"),
        Arguments.of("ff f8", "undefined opcode 0xff /7"),
        Arguments.of("ff d8", "undefined opcode 0xff /3 with a register operand"),
        Arguments.of("8e c8", "undefined opcode 0x8e /1"),
        Arguments.of("8f 20", "undefined opcode 0x8f /4"),
        Arguments.of("f0 c5 f8 77", "VEX after"),
        Arguments.of("48 c5 f8 77", "VEX after"),
        Arguments.of("c4 e0 78 10 c0", "undefined VEX opcode map 0"),
        Arguments.of("62 f4 7c 48 00 c0", "EVEX map 4"),
        Arguments.of("62 f1 78 48 28 c0", "P1 bit 2"),
        Arguments.of("8f eb 78 10 c0", "undefined XOP opcode map 11"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refused")
  void refusesWithAClearMessage(String bytes, String message) {
    X86DecodeException e = assertThrows(X86DecodeException.class, () -> decode(bytes));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void fifteenBytesIsTheLimitNotAnError() throws Exception {
    assertEquals(15, decode("66 66 66 66 66 66 66 66 66 66 66 66 66 66 90").length());
  }

  @Test
  void readsNothingOutsideTheRange() throws Exception {
    byte[] code = hex("90 90 48 8b 45 00 c3");
    assertEquals(4, X86Decoder.decode(code, 2, 6).length());
    X86DecodeException e = assertThrows(X86DecodeException.class, () -> X86Decoder.decode(code, 2, 5));
    assertEquals("truncated after 3 bytes at offset 2", e.getMessage());
    assertEquals(2, e.offset());
    assertEquals(1, X86Decoder.decode(code, 6, 7).length());
  }

  @Test
  void badArgumentsAreDecodeExceptionsToo() {
    byte[] code = hex("90");
    assertThrows(X86DecodeException.class, () -> X86Decoder.decode(null, 0, 1));
    assertThrows(X86DecodeException.class, () -> X86Decoder.decode(code, -1, 1));
    assertThrows(X86DecodeException.class, () -> X86Decoder.decode(code, 0, 2));
    assertThrows(X86DecodeException.class, () -> X86Decoder.decode(code, 1, 1));
    assertThrows(X86DecodeException.class, () -> X86Decoder.decode(new byte[0]));
  }

  @Test
  void instructionsAreValuesWithPrivateBytes() throws Exception {
    Instruction a = decode("41 56");
    Instruction b = X86Decoder.decode(hex("90 41 56"), 1, 3);
    assertEquals(a.length(), b.length());
    assertEquals(1, b.offset());
    byte[] bytes = a.bytes();
    bytes[0] = 0;
    assertEquals(0x41, a.byteAt(0), "bytes() hands out a copy");
    assertEquals(a, decode("41 56"));
    assertEquals(a.hashCode(), decode("41 56").hashCode());
    assertTrue(a.toString().contains("push %r14"), a.toString());
  }
}
