package io.hybridmesh.agent.probe.x86;

import io.hybridmesh.api.kernel.KernelRelease;
import java.util.Objects;

/**
 * What x86-64 Linux does with a uprobe placed on an instruction, by kernel version: emulate it in the
 * int3 handler (cheap: ~0.9 µs per hit on a KVM guest), single-step a copy out of line (a debug
 * exception, a VM exit: ~10 µs), or refuse to register the probe. Encodes arch/x86/kernel/uprobes.c for
 * 64-bit processes; compat (32-bit) processes are not covered.
 *
 * <p>Facts by version, with the commits that brought them:
 *
 * <pre>
 * 3.5   uprobes for x86. Only "0x66* 0x90" is skipped without a single step (arch_uprobe_skip_sstep);
 *       the rest of the good tables is single-stepped; int3, in/out/ins/outs, hlt, cli/sti, iret,
 *       int n and the prefixes 26/2e/36/3e/f0 are refused. Commit not identified; read in 3.6- and
 *       3.14-era copies of the file.
 * 3.16  jmp rel8/rel32, call rel32, jcc short and near, and every instruction whose first opcode byte
 *       is 0x90, are emulated (branch_setup_xol_ops): 7ba6db2d688b, d241006354c5, 8e89c0be171b,
 *       8f95505bc18a, 6cc5e7ff2c38, committed 2014-04-17 (after 3.15-rc1 of 04-13) to tip perf/core
 *       and pulled for 3.16 on 2014-06-12: the commonly quoted 3.15 does not fit these dates.
 *       A 0x66 prefix makes those branches, and 66 90, refused: 250bbd12c2fe (2014-04-30).
 * 4.0   good tables rewritten (67fc809217dc, 5154d4f2adfd, pulled for 4.0-rc1): VEX allowed, 9a/ea
 *       refused, and bit 0x0f set, so every 0F-map opcode passes (syscall, popcnt, ...).
 * 4.16  push %reg emulated, one byte or 41 50-57 (push_setup_xol_ops): e7ed9d9bd037 (2017-12-11, tip
 *       perf/core); DepSurf's distribution builds have it in 4.18, not in 4.15.
 * 4.17  mov to %ss refused (its single-step trap is suppressed): 13ebe18c94f5 (2018-05-13, x86/urgent).
 * 6.2   66 90 emulated again: cefa72129e45 (2022-12-05; the release is inferred, not read from a tag).
 * 6.16  an instruction whose bytes equal x86_nops[len], len &lt;= 8, is emulated: 610f6e14c29d.
 * 6.18  a 5-byte nop (0x90 with prefixes, or 0f 1f /0) is rewritten into a call to a trampoline after
 *       its first hit. From the project reference, and measured here (below).
 * </pre>
 *
 * <p>Seen on this machine's Linux 6.18.44 (AMD, KVM), with tracefs uprobes on a test program: a probe on
 * {@code 41 90} (xchg %eax,%r8d) skipped the exchange, one on {@code c5 f9 70 c0 1b} (vpshufd) skipped the
 * shuffle (taken for a jo not taken), one on {@code c5 f8 c2 c1 00} (vcmpps, taken for ret $n) resumed in
 * the kernel's copy of the next bytes and crashed at the following call, one on {@code syscall} crashed
 * the process; {@code c5 f9 6f c1} (vmovdqa) and a cs-prefixed nop were never hit (refused); per hit,
 * {@code 0f 1f 44 00 00} cost 0.83 µs, {@code 0f 1f 44 20 08} 0.86 µs (the 6.18 trampoline),
 * {@code 66 0f 1f 44 20 08} 10.6 µs and endbr64 11.6 µs (single-stepped).
 *
 * <p>Not confirmed, or not modelled: which commit made 3.5's nop skip (3.6's version also matched 0f 1f,
 * 0f 19 and 87 c0 but never moved the instruction pointer; 3.5-3.15 are treated like 3.14); whether
 * the 4.0 tables changed again before 6.18; the kernel decoder's own gaps (an instruction it cannot decode
 * is refused); insn_is_nop() after 6.18 (8a5c6cbfe4a3, more nop forms emulated: newer kernels are judged
 * as 6.18, which errs towards single-stepping). {@link Handling#UNSAFE} comes from reading the source,
 * and from the tests above: the kernel decides by the first opcode byte it decoded, which for VEX/EVEX is
 * the byte after the prefix and ignores REX.B, so some instructions are taken for branches, nops or
 * returns they are not.
 */
public final class UprobeEmulation {

  /** What the kernel does when the probe is hit (or registered). */
  public enum Handling {
    /** Executed by the kernel inside the int3 handler: no single step. */
    EMULATED,
    /** Copied and single-stepped out of line: a debug exception per hit. */
    SINGLE_STEPPED,
    /** The kernel will not register a uprobe on this instruction. */
    REFUSED,
    /** The kernel registers it but mistakes the instruction for another: the probed program breaks. */
    UNSAFE
  }

  /** The handling and a sentence saying why, for a report. */
  public record Verdict(Handling handling, String reason) {
    public Verdict {
      Objects.requireNonNull(handling, "handling");
      Objects.requireNonNull(reason, "reason");
    }

    public boolean emulated() {
      return handling == Handling.EMULATED;
    }
  }

  private UprobeEmulation() {}

  public static Verdict classify(Instruction insn, KernelRelease kernel) {
    Objects.requireNonNull(insn, "insn");
    Objects.requireNonNull(kernel, "kernel");
    String what = insn.text();
    String on = " on Linux " + kernel.major() + "." + kernel.minor();
    if (!kernel.atLeast(3, 5)) {
      return new Verdict(Handling.REFUSED, "Linux " + kernel.major() + "." + kernel.minor()
          + " has no uprobes (x86 uprobes arrived in 3.5)");
    }
    KernelView k = KernelView.of(insn);
    Verdict refused = KernelValidation.check(insn, k, kernel);
    if (refused != null) {
      return refused;
    }
    if (!kernel.atLeast(3, 16)) {
      if (k.rawPrefixedNop()) {
        return emulated(what + " is skipped by the kernel as a nop since Linux 3.5: no single step");
      }
      return k.vectorWithWrongFixup(true) ? unsafeFixup(what, k, on) : singleStepped(insn, what, on);
    }
    if (kernel.atLeast(6, 16) && KernelUprobeTables.isKernelNop(insn)) {
      String optimized = insn.length() == 5 && kernel.atLeast(6, 18)
          ? "; from 6.18 the kernel may even replace it with a call into a trampoline" : "";
      return emulated(what + " is one of the kernel's own nops, emulated since Linux 6.16: no single step"
          + optimized);
    }
    if (k.takenForBranchOrNop()) {
      return branch(insn, k, kernel, what, on);
    }
    if (kernel.atLeast(6, 18) && k.optimizableNop5()) {
      return emulated(what + " is a 5-byte nop: from Linux 6.18 the kernel single-steps only the first hit,"
          + " then rewrites it into a call to a trampoline (unless it crosses a page boundary)");
    }
    if (kernel.atLeast(4, 0) && k.isSyscall()) {
      return new Verdict(Handling.UNSAFE, what + ": the kernel accepts it (since 4.0) but single-stepping a"
          + " syscall out of line crashed the probed process in a test on Linux 6.18; do not probe here");
    }
    if (kernel.atLeast(4, 16) && k.emulatedPush()) {
      return emulated(what + " is emulated by the kernel since Linux 4.16: no single step");
    }
    if (k.vectorWithWrongFixup(false)) {
      return unsafeFixup(what, k, on);
    }
    return singleStepped(insn, what, on);
  }

  private static Verdict unsafeFixup(String what, KernelView k, String on) {
    return new Verdict(Handling.UNSAFE, what + ": the kernel takes its opcode byte 0x"
        + Mnemonics.hex(k.opcode1()) + " for a return, call, jump or popf and would fix up the wrong state"
        + " after the single step" + on + "; do not probe here");
  }

  private static Verdict branch(Instruction insn, KernelView k, KernelRelease kernel, String what,
      String on) {
    boolean nop = k.opcode1() == 0x90;
    if (k.prefix66() && !(nop && kernel.atLeast(6, 2))) {
      return new Verdict(Handling.REFUSED, what + ": the kernel refuses 0x66-prefixed "
          + (nop ? "nops (until Linux 6.2)" : "branches (Intel and AMD disagree on their length)") + on);
    }
    if (k.vector()) {
      return new Verdict(Handling.UNSAFE, what + ": the kernel takes this vector instruction (opcode byte 0x"
          + Mnemonics.hex(k.opcode1()) + ") for a " + (nop ? "nop" : "branch") + " and would emulate it as one"
          + on + "; do not probe here");
    }
    if (nop && k.rexB()) {
      return new Verdict(Handling.UNSAFE, what + " exchanges with %r8 but the kernel takes it for a nop and"
          + " skips it" + on + "; do not probe here");
    }
    if (nop) {
      return emulated(what + " is emulated by the kernel as a nop since Linux 3.16: no single step");
    }
    String kind = switch (insn.kind()) {
      case CALL_REL32 -> "a relative call";
      case JMP_REL -> "a relative jump";
      default -> "a conditional jump";
    };
    return emulated(what + " is " + kind + ", emulated by the kernel since Linux 3.16: no single step");
  }

  private static Verdict emulated(String reason) {
    return new Verdict(Handling.EMULATED, reason);
  }

  private static Verdict singleStepped(Instruction insn, String what, String on) {
    String why = switch (insn.kind()) {
      case ENDBR -> " (endbr64 is not among the emulated instructions)";
      case PUSH_REG -> " (only 1-byte pushes and 41 50-57 are emulated, from Linux 4.16)";
      case RET, CALL_INDIRECT, JMP_INDIRECT -> " (only relative branches are emulated)";
      default -> "";
    };
    return new Verdict(Handling.SINGLE_STEPPED, what + " is single-stepped out of line" + on + why
        + ": a debug exception per hit");
  }
}
