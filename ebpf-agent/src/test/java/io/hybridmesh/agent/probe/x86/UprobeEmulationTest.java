package io.hybridmesh.agent.probe.x86;

import static io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling.EMULATED;
import static io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling.REFUSED;
import static io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling.SINGLE_STEPPED;
import static io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling.UNSAFE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.x86.UprobeEmulation.Handling;
import io.hybridmesh.agent.probe.x86.UprobeEmulation.Verdict;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each instruction class on the kernels where something changed: 3.14, 4.15, 4.16, 6.15, 6.16, 6.18. */
class UprobeEmulationTest {

  private static final List<KernelRelease> KERNELS = List.of(KernelRelease.of(3, 14), KernelRelease.of(4, 15),
      KernelRelease.of(4, 16), KernelRelease.of(6, 15), KernelRelease.of(6, 16), KernelRelease.of(6, 18));

  private static final Handling S = SINGLE_STEPPED;
  private static final Handling E = EMULATED;
  private static final Handling R = REFUSED;
  private static final Handling U = UNSAFE;

  /** bytes, what, and the handling on each of {@link #KERNELS}. */
  static Stream<Arguments> table() {
    return Stream.of(
        row("41 56", "push %r14", S, S, E, E, E, E),
        row("55", "push %rbp", S, S, E, E, E, E),
        row("48 50", "push %rax with a useless REX.W (2 bytes, not 41)", S, S, S, S, S, S),
        row("66 50", "push %ax", S, S, S, S, S, S),
        row("5d", "pop %rbp", S, S, S, S, S, S),
        row("90", "nop", E, E, E, E, E, E),
        row("66 90", "66 90: refused from 3.16 until 6.2", E, R, R, E, E, E),
        row("f3 90", "pause: the kernel's 0x90 case", S, E, E, E, E, E),
        row("0f 1f 00", "x86_nops[3]", S, S, S, S, E, E),
        row("0f 1f 40 00", "x86_nops[4]", S, S, S, S, E, E),
        row("0f 1f 44 00 00", "x86_nops[5]", S, S, S, S, E, E),
        row("66 0f 1f 44 00 00", "x86_nops[6]", S, S, S, S, E, E),
        row("0f 1f 80 00 00 00 00", "x86_nops[7]", S, S, S, S, E, E),
        row("0f 1f 84 00 00 00 00 00", "x86_nops[8]", S, S, S, S, E, E),
        row("0f 1f 44 20 08", "a 5-byte nop that is not x86_nops[5]: the 6.18 trampoline", S, S, S, S, S, E),
        row("66 0f 1f 44 20 08", "a 6-byte nop that is not x86_nops[6]", S, S, S, S, S, S),
        row("66 2e 0f 1f 84 00 00 00 00 00", "cs nopw: the cs prefix is refused", R, R, R, R, R, R),
        row("e8 10 00 00 00", "call rel32", S, E, E, E, E, E),
        row("eb fe", "jmp rel8", S, E, E, E, E, E),
        row("e9 00 01 00 00", "jmp rel32", S, E, E, E, E, E),
        row("74 05", "jcc short", S, E, E, E, E, E),
        row("0f 85 00 01 00 00", "jcc near", S, E, E, E, E, E),
        row("66 e9 00 00 00 00", "66-prefixed jmp", S, R, R, R, R, R),
        row("66 74 00", "66-prefixed jcc", S, R, R, R, R, R),
        row("f2 e9 00 00 00 00", "bnd jmp (F2): only 66 is refused", S, E, E, E, E, E),
        row("2e 74 05", "jcc with a cs branch hint", R, R, R, R, R, R),
        row("e3 05", "jrcxz is not emulated", S, S, S, S, S, S),
        row("ff d0", "call *%rax", S, S, S, S, S, S),
        row("ff 25 00 00 00 00", "jmp *mem", S, S, S, S, S, S),
        row("3e ff e0", "notrack jmp *%rax: ds prefix", R, R, R, R, R, R),
        row("c3", "ret", S, S, S, S, S, S),
        row("f3 0f 1e fa", "endbr64", S, S, S, S, S, S),
        row("48 83 ec 18", "sub $0x18,%rsp", S, S, S, S, S, S),
        row("48 89 e5", "mov %rsp,%rbp", S, S, S, S, S, S),
        row("48 8d 05 00 00 00 00", "lea (%rip) (rewritten through a scratch register)", S, S, S, S, S, S),
        row("cc", "int3", R, R, R, R, R, R),
        row("cd 80", "int $0x80", R, R, R, R, R, R),
        row("f4", "hlt", R, R, R, R, R, R),
        row("0f 05", "syscall: refused by the old 2-byte table, accepted since 4.0, crashes", R, U, U, U, U, U),
        row("0f 31", "rdtsc: accepted by both tables", S, S, S, S, S, S),
        row("f3 0f b8 c1", "popcnt: the same", R, S, S, S, S, S),
        row("8e d0", "mov %eax,%ss: refused from 4.17", S, S, S, R, R, R),
        row("f0 ff 00", "lock incl: the lock prefix is refused", R, R, R, R, R, R),
        row("41 90", "xchg %eax,%r8d taken for a nop", S, U, U, U, U, U),
        row("c5 f8 77", "vzeroupper: opcode byte 0x77 taken for ja", S, U, U, U, U, U),
        row("c5 f9 70 c0 1b", "vpshufd: 0x70 taken for jo", S, U, U, U, U, U),
        row("c5 f8 c2 c1 00", "vcmpps: 0xc2 taken for ret $n, no IP fixup", U, U, U, U, U, U),
        row("c5 f9 6f c1", "vmovdqa: 0x6f (outs) is not in the table", R, R, R, R, R, R),
        row("c5 f9 ef c0", "vpxor: 0xef (out) is not in the table", R, R, R, R, R, R),
        row("c5 f8 28 c1", "vmovaps", S, S, S, S, S, S),
        row("8f e8 78 c2 c0 07", "XOP", U, U, U, U, U, U));
  }

  private static Arguments row(String bytes, String what, Handling... expected) {
    return Arguments.of(bytes, what, List.of(expected));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("table")
  void verdictByKernel(String bytes, String what, List<Handling> expected) throws Exception {
    Instruction insn = X86DecoderTest.decode(bytes);
    List<String> actual = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < KERNELS.size(); i++) {
      Verdict v = UprobeEmulation.classify(insn, KERNELS.get(i));
      actual.add(KERNELS.get(i) + " " + v.handling());
      wanted.add(KERNELS.get(i) + " " + expected.get(i));
      assertFalse(v.reason().isBlank());
    }
    assertEquals(wanted, actual, what + " (" + bytes + ")");
  }

  @Test
  void reasonsAreSentencesAboutTheInstruction() throws Exception {
    Verdict push = UprobeEmulation.classify(X86DecoderTest.decode("41 56"), KernelRelease.of(6, 18));
    assertEquals("push %r14 is emulated by the kernel since Linux 4.16: no single step", push.reason());
    assertTrue(push.emulated());
    Verdict sub = UprobeEmulation.classify(X86DecoderTest.decode("48 83 ec 18"), KernelRelease.of(6, 18));
    assertEquals("sub $0x18,%rsp is single-stepped out of line on Linux 6.18: a debug exception per hit",
        sub.reason());
    Verdict old = UprobeEmulation.classify(X86DecoderTest.decode("41 56"), KernelRelease.of(4, 15));
    assertTrue(old.reason().contains("only 1-byte pushes and 41 50-57 are emulated, from Linux 4.16"),
        old.reason());
    Verdict jmp = UprobeEmulation.classify(X86DecoderTest.decode("66 e9 00 00 00 00"), KernelRelease.of(6, 18));
    assertTrue(jmp.reason().contains("refuses 0x66-prefixed branches"), jmp.reason());
    Verdict nop5 = UprobeEmulation.classify(X86DecoderTest.decode("0f 1f 44 00 00"), KernelRelease.of(6, 18));
    assertTrue(nop5.reason().contains("trampoline"), nop5.reason());
  }

  @Test
  void kernelsWithoutUprobesRefuse() throws Exception {
    Verdict v = UprobeEmulation.classify(X86DecoderTest.decode("90"), KernelRelease.of(3, 4));
    assertEquals(REFUSED, v.handling());
    assertTrue(v.reason().contains("3.5"), v.reason());
    assertEquals(EMULATED, UprobeEmulation.classify(X86DecoderTest.decode("90"), KernelRelease.of(3, 5))
        .handling());
  }

  @Test
  void boundariesFallOnTheReleaseThatBroughtTheChange() throws Exception {
    Instruction call = X86DecoderTest.decode("e8 00 00 00 00");
    assertEquals(SINGLE_STEPPED, UprobeEmulation.classify(call, KernelRelease.of(3, 15)).handling());
    assertEquals(EMULATED, UprobeEmulation.classify(call, KernelRelease.of(3, 16)).handling());
    Instruction nop66 = X86DecoderTest.decode("66 90");
    assertEquals(REFUSED, UprobeEmulation.classify(nop66, KernelRelease.of(6, 1)).handling());
    assertEquals(EMULATED, UprobeEmulation.classify(nop66, KernelRelease.of(6, 2)).handling());
    Instruction movSs = X86DecoderTest.decode("8e d0");
    assertEquals(SINGLE_STEPPED, UprobeEmulation.classify(movSs, KernelRelease.of(4, 16)).handling());
    assertEquals(REFUSED, UprobeEmulation.classify(movSs, KernelRelease.of(4, 17)).handling());
    Instruction popcnt = X86DecoderTest.decode("f3 0f b8 c1");
    assertEquals(REFUSED, UprobeEmulation.classify(popcnt, KernelRelease.of(3, 19)).handling());
    assertEquals(SINGLE_STEPPED, UprobeEmulation.classify(popcnt, KernelRelease.of(4, 0)).handling());
    Instruction nop5 = X86DecoderTest.decode("0f 1f 44 20 08");
    assertEquals(SINGLE_STEPPED, UprobeEmulation.classify(nop5, KernelRelease.of(6, 17)).handling());
    assertEquals(EMULATED, UprobeEmulation.classify(nop5, KernelRelease.of(6, 18)).handling());
    Instruction newer = X86DecoderTest.decode("0f 1f 44 00 00");
    assertEquals(EMULATED, UprobeEmulation.classify(newer, KernelRelease.of(7, 1)).handling(),
        "kernels after 6.18 are judged as 6.18");
  }
}
