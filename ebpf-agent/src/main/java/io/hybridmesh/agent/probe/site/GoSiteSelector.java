package io.hybridmesh.agent.probe.site;

import io.hybridmesh.agent.probe.x86.GeneralRegisters;
import io.hybridmesh.agent.probe.x86.Instruction;
import io.hybridmesh.agent.probe.x86.InstructionClass;
import io.hybridmesh.agent.probe.x86.UprobeEmulation;
import io.hybridmesh.agent.probe.x86.X86DecodeException;
import io.hybridmesh.agent.probe.x86.X86Decoder;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Where the probes of one Go function go: one at its entry, where its register arguments are read, and one on
 * every {@code ret}, where its results are. Go code gets no return probes: a uretprobe replaces the return
 * address on the stack, and Go moves goroutine stacks (and walks them, for the garbage collector and for
 * tracebacks), so a hijacked return address crashes the program. Pure.
 *
 * <p>The body is decoded from its first byte to its last, one instruction after another (Go puts no data
 * between instructions). The decode must hold together: every relative jump inside the function must land on
 * the start of an instruction it found, or the decode is out of step and the function is refused. So a probe
 * never lands inside an instruction.
 *
 * <p>The entry probe: Go's prologue checks the stack ({@code cmp 0x10(%r14),%rsp}, or {@code lea} and
 * {@code cmp} for large frames), which the kernel single-steps, and ends in a conditional jump to the code
 * that grows the stack, which it emulates. When nothing before that jump writes the registers read at the
 * entry (the receiver in rax, the slice in rbx and rcx, the goroutine in r14), the probe goes on the jump:
 * the same arguments, about a tenth of the cost. A call that grows its stack restarts at the entry and passes
 * the jump again; the BPF side keys calls by goroutine, so the second pass replaces the first.
 */
public final class GoSiteSelector {

  /** What a Go function's probes read at its entry: receiver, slice pointer and length, and g. */
  static final int ENTRY_REGISTERS = GeneralRegisters.bit(GeneralRegisters.RAX)
      | GeneralRegisters.bit(GeneralRegisters.RBX) | GeneralRegisters.bit(GeneralRegisters.RCX)
      | GeneralRegisters.bit(GeneralRegisters.R14);
  /** Larger than any function of crypto/tls (Write is about 2 KiB). */
  public static final int MAX_BODY = 1 << 20;
  static final int MAX_RETURNS = 256;
  private static final int MAX_PROLOGUE = 4;

  /** The sites of one function, or why it cannot be probed ({@code refusal} non-null, lists empty). */
  public record GoSites(ProbeSite entry, List<ProbeSite> returns, String refusal) {
    public GoSites {
      returns = List.copyOf(returns);
    }

    static GoSites refused(String why) {
      return new GoSites(null, List.of(), why);
    }
  }

  private GoSiteSelector() {}

  /**
   * @param entry the function's entry as a file offset
   * @param size its length in bytes, from the function table
   */
  public static GoSites select(CodeView code, String name, long entry, long size, KernelRelease kernel) {
    if (size <= 0 || size > MAX_BODY) {
      return GoSites.refused(name + " has an implausible size of " + size + " bytes in the function table");
    }
    Decoded d = decode(code, name, entry, size);
    if (d.refusal() != null) {
      return GoSites.refused(d.refusal());
    }
    List<Instruction> insns = d.insns();
    List<ProbeSite> returns = new ArrayList<>();
    for (Instruction i : insns) {
      if (i.kind() == InstructionClass.RET) {
        if (returns.size() == MAX_RETURNS) {
          return GoSites.refused(name + " has more than " + MAX_RETURNS + " return instructions");
        }
        UprobeEmulation.Verdict v = UprobeEmulation.classify(i, kernel);
        ProbeCost cost = cost(v);
        if (cost == null) {
          return GoSites.refused(name + ": its return at +0x" + Integer.toHexString(i.offset()) + " cannot be "
              + "probed: " + v.reason());
        }
        returns.add(new ProbeSite(entry + i.offset(), i.text(), cost, "return " + (returns.size() + 1) + " of "
            + name + " (+0x" + Integer.toHexString(i.offset()) + "), where its results are read: " + v.reason()));
      }
    }
    if (returns.isEmpty()) {
      return GoSites.refused(name + " has no return instruction: its results could never be read");
    }
    ProbeSite at = entrySite(insns, name, entry, kernel, ENTRY_REGISTERS);
    if (at == null) {
      return GoSites.refused(name + " begins with an instruction the kernel cannot probe: "
          + UprobeEmulation.classify(insns.get(0), kernel).reason());
    }
    return new GoSites(at, returns, null);
  }

  /**
   * The entry site of a function whose arguments alone are read (registers {@code read}): its first
   * instruction or its stack-check jump; null when its body does not decode or its entry cannot be probed.
   */
  public static ProbeSite entrySite(CodeView code, String name, long entry, long size, KernelRelease kernel,
      int read) {
    if (size <= 0 || size > MAX_BODY) {
      return null;
    }
    Decoded d = decode(code, name, entry, size);
    return d.refusal() != null || d.insns().isEmpty() ? null : entrySite(d.insns(), name, entry, kernel, read);
  }

  /**
   * A function's body decoded from its first byte to its last, with the starts of its instructions and the
   * places its relative jumps land; or why it does not hold together ({@code refusal} non-null).
   */
  record Decoded(List<Instruction> insns, BitSet starts, BitSet jumpTargets, String refusal) {}

  static Decoded decode(CodeView code, String name, long entry, long size) {
    byte[] body = code.code(entry, (int) size);
    if (body.length < size) {
      return new Decoded(List.of(), null, null, name + " runs past the end of the executable code (" + body.length
          + " of its " + size + " bytes are code)");
    }
    List<Instruction> insns = new ArrayList<>();
    BitSet starts = new BitSet(body.length);
    for (int at = 0; at < body.length; ) {
      try {
        Instruction i = X86Decoder.decode(body, at, body.length);
        insns.add(i);
        starts.set(at);
        at += i.length();
      } catch (X86DecodeException e) {
        return new Decoded(List.of(), null, null, name + " does not decode at +0x" + Integer.toHexString(at) + " ("
            + e.getMessage() + "), so where its instructions begin is not known");
      }
    }
    BitSet targets = new BitSet(body.length);
    for (Instruction i : insns) {
      if (i.isRelativeBranch()) {
        long target = i.branchTarget(i.offset());
        if (target >= 0 && target < body.length) {
          if (!starts.get((int) target)) {
            return new Decoded(List.of(), null, null, name + ": the jump at +0x" + Integer.toHexString(i.offset())
                + " lands at +0x" + Long.toHexString(target) + ", inside an instruction, so the decode is not to "
                + "be trusted");
          }
          targets.set((int) target);
        }
      }
    }
    return new Decoded(List.copyOf(insns), starts, targets, null);
  }

  /**
   * The entry's own instruction when emulated, else the prologue's stack-check jump when proven equal: nothing
   * before it writes the registers {@code read} (a mask of {@link GeneralRegisters} bits) that the probe reads.
   */
  static ProbeSite entrySite(List<Instruction> insns, String name, long entry, KernelRelease kernel, int read) {
    Instruction first = insns.get(0);
    UprobeEmulation.Verdict v0 = UprobeEmulation.classify(first, kernel);
    if (cost(v0) == ProbeCost.EMULATED) {
      return new ProbeSite(entry, first.text(), ProbeCost.EMULATED, name + " begins with " + first.text() + ": "
          + v0.reason() + ".");
    }
    int written = 0;
    for (int k = 0; k < Math.min(MAX_PROLOGUE, insns.size()); k++) {
      Instruction i = insns.get(k);
      if (i.kind() == InstructionClass.JCC_REL && k > 0) {
        UprobeEmulation.Verdict v = UprobeEmulation.classify(i, kernel);
        if ((written & read) == 0 && cost(v) == ProbeCost.EMULATED) {
          return new ProbeSite(entry + i.offset(), i.text(), ProbeCost.EMULATED, name + " begins with "
              + first.text() + " (" + v0.reason() + "); its stack check ends in " + i.text() + " at +0x"
              + Integer.toHexString(i.offset()) + ", which every call passes with " + GeneralRegisters.describe(read)
              + " untouched: " + v.reason() + ".");
        }
        break;
      }
      if (i.unknownEffects() || i.isRelativeBranch() || i.kind() == InstructionClass.RET
          || i.kind() == InstructionClass.JMP_INDIRECT || i.kind() == InstructionClass.CALL_INDIRECT) {
        break;
      }
      written |= i.gprWrites();
    }
    ProbeCost c = cost(v0);
    return c == null ? null : new ProbeSite(entry, first.text(), c, name + " begins with " + first.text() + " and "
        + "no stack check follows that could stand for it: " + v0.reason() + ".");
  }

  static ProbeCost cost(UprobeEmulation.Verdict v) {
    return switch (v.handling()) {
      case EMULATED -> ProbeCost.EMULATED;
      case SINGLE_STEPPED -> ProbeCost.SINGLE_STEPPED;
      default -> null;
    };
  }
}
