package io.hybridmesh.agent.probe.site;

import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.x86.GeneralRegisters;
import io.hybridmesh.agent.probe.x86.Instruction;
import io.hybridmesh.agent.probe.x86.UprobeEmulation;
import io.hybridmesh.agent.probe.x86.X86DecodeException;
import io.hybridmesh.agent.probe.x86.X86Decoder;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses where each TLS function's probe goes so that the CPU never single-steps it where the binary
 * allows. Pure: it reads code through a {@link CodeView} and knows the kernel only by its release.
 *
 * <p>A uprobe on an instruction the kernel emulates (push, nop, relative call/jmp/jcc) costs about 0.9 µs
 * per hit on a KVM guest; on anything else the kernel single-steps a copy, a debug exception and a VM exit,
 * about 10 µs. For each function:
 *
 * <ol>
 *   <li>its entry, when the instruction there is emulated by this kernel;
 *   <li>otherwise, for OpenSSL's pairs (SSL_write and SSL_write_ex, SSL_read and SSL_read_ex), the
 *       internal function both call, when it is proven to be the same function called with the same
 *       arguments and its first instruction is emulated: the _ex form must pass all four arguments through
 *       untouched (so the target has the _ex shape), the plain form the SSL and buffer pointers, and both
 *       must reach it through a direct {@code call} into this file's own code (a call target is a function
 *       entry, where a return probe is safe). One probe pair there then serves both functions, so each
 *       call is seen once;
 *   <li>otherwise the entry, with what it costs.
 * </ol>
 *
 * <p>Code that cannot be decoded, a call that leaves the file (through the PLT) or a target past the end of
 * {@code .text} keep the entry, and the reason says why. A probe is never placed anywhere but at a function
 * entry or a direct call's target, so never inside an instruction.
 */
public final class ProbeSiteSelector {

  /** The wrapper pairs: plain form, _ex form. */
  static final List<String[]> PAIRS = List.of(new String[] {"SSL_write", "SSL_write_ex"},
      new String[] {"SSL_read", "SSL_read_ex"});

  /** SSL_write_ex's four arguments (System V: rdi, rsi, rdx, rcx); the plain form's pointers are the first two. */
  private static final int EX_ARGUMENTS = GeneralRegisters.bit(GeneralRegisters.RDI)
      | GeneralRegisters.bit(GeneralRegisters.RSI) | GeneralRegisters.bit(GeneralRegisters.RDX)
      | GeneralRegisters.bit(GeneralRegisters.RCX);
  private static final int PLAIN_ARGUMENTS = GeneralRegisters.bit(GeneralRegisters.RDI)
      | GeneralRegisters.bit(GeneralRegisters.RSI);
  private static final int MAX_PROLOGUE_BYTES = 160;
  private static final int MAX_PROLOGUE_INSTRUCTIONS = 40;

  private ProbeSiteSelector() {}

  /**
   * @param entries function name to the file offset of its entry
   * @return the site of every function in {@code entries}
   */
  public static Map<String, ProbeSite> select(CodeView code, Map<String, Long> entries, KernelRelease kernel) {
    Map<String, ProbeSite> out = new LinkedHashMap<>();
    entries.forEach((name, offset) -> out.put(name, atEntry(code, name, offset, kernel)));
    for (String[] pair : PAIRS) {
      Long plain = entries.get(pair[0]);
      Long ex = entries.get(pair[1]);
      if (plain == null || ex == null) {
        continue;
      }
      ProbeSite p = out.get(pair[0]);
      ProbeSite x = out.get(pair[1]);
      if (p.cost() == ProbeCost.EMULATED && x.cost() == ProbeCost.EMULATED) {
        continue;
      }
      Shared shared = sharedTarget(code, pair, plain, ex, kernel);
      if (shared.site != null) {
        out.put(pair[0], shared.site);
        out.put(pair[1], shared.site);
      } else {
        out.put(pair[0], withReason(p, shared.why));
        out.put(pair[1], withReason(x, shared.why));
      }
    }
    return out;
  }

  /** x86-64 (EM_X86_64): the only architecture whose uprobe handling is known here. */
  private static final int EM_X86_64 = 62;

  /** The sites of an ELF file's functions: chosen by instruction on x86-64, the entries elsewhere (said so). */
  public static Map<String, ProbeSite> select(ElfFile elf, Map<String, Long> entries, KernelRelease kernel) {
    if (elf.machine() == EM_X86_64) {
      return select(new ElfCode(elf), entries, kernel);
    }
    Map<String, ProbeSite> out = new LinkedHashMap<>();
    entries.forEach((name, at) -> out.put(name, unanalysed(at, "machine " + elf.machine())));
    return out;
  }

  /** The site for an architecture the decoder does not know: the entry, unanalysed. */
  public static ProbeSite unanalysed(long entry, String architecture) {
    return new ProbeSite(entry, null, null, "The entry is probed: probe sites are chosen by instruction on x86-64 "
        + "only, and this file is " + architecture + ".");
  }

  private static ProbeSite atEntry(CodeView code, String name, long offset, KernelRelease kernel) {
    Instruction insn;
    try {
      insn = first(code, offset);
    } catch (X86DecodeException e) {
      return new ProbeSite(offset, null, null, "The entry of " + name + " is probed; its first instruction could "
          + "not be decoded (" + e.getMessage() + "), so what a hit costs is not known.");
    }
    UprobeEmulation.Verdict v = UprobeEmulation.classify(insn, kernel);
    if (cost(v) == null) {
      return new ProbeSite(-1, insn.text(), null, name + " is not probed: it begins with " + insn.text() + ", and "
          + v.reason() + ".");
    }
    return new ProbeSite(offset, insn.text(), cost(v), name + " begins with " + insn.text() + ": " + v.reason()
        + ".");
  }

  private record Shared(ProbeSite site, String why) {}

  private static Shared sharedTarget(CodeView code, String[] pair, long plain, long ex, KernelRelease kernel) {
    Trace p = trace(code, plain, PLAIN_ARGUMENTS);
    Trace x = trace(code, ex, EX_ARGUMENTS);
    String both = pair[0] + " and " + pair[1];
    if (p.failure != null || x.failure != null) {
      return new Shared(null, "No internal function both call could be proven: " + (p.failure != null
          ? pair[0] + " " + p.failure : pair[1] + " " + x.failure) + ".");
    }
    if (p.target != x.target) {
      return new Shared(null, both + " call different functions first (0x" + Long.toHexString(p.target)
          + " and 0x" + Long.toHexString(x.target) + "), so neither can stand for the other.");
    }
    Instruction insn;
    try {
      insn = first(code, p.target);
    } catch (X86DecodeException e) {
      return new Shared(null, "The function " + both + " both call, at 0x" + Long.toHexString(p.target)
          + ", could not be decoded (" + e.getMessage() + ").");
    }
    UprobeEmulation.Verdict v = UprobeEmulation.classify(insn, kernel);
    if (!v.emulated()) {
      return new Shared(null, "The function " + both + " both call, at 0x" + Long.toHexString(p.target)
          + ", begins with " + insn.text() + ", which is no cheaper: " + v.reason() + ".");
    }
    return new Shared(new ProbeSite(p.target, insn.text(), ProbeCost.EMULATED, both + " both call the function at "
        + "0x" + Long.toHexString(p.target) + " with their arguments passed through; it begins with "
        + insn.text() + " (" + v.reason() + "), so one probe pair there sees the calls of both, once."), null);
  }

  /** Where a function's first direct call goes, and which registers it wrote before; or why not known. */
  private record Trace(long target, String failure) {}

  /**
   * Follows a function from its entry along the fall-through path to its first direct call, and proves
   * that none of {@code kept} was written before it.
   */
  private static Trace trace(CodeView code, long entry, int kept) {
    long address = code.address(entry);
    byte[] bytes = code.code(entry, MAX_PROLOGUE_BYTES);
    if (address < 0 || bytes.length == 0) {
      return new Trace(-1, "does not start in executable code");
    }
    int at = 0;
    int written = 0;
    for (int n = 0; n < MAX_PROLOGUE_INSTRUCTIONS && at < bytes.length; n++) {
      Instruction insn;
      try {
        insn = X86Decoder.decode(bytes, at, bytes.length);
      } catch (X86DecodeException e) {
        return new Trace(-1, "cannot be decoded at +" + at + " (" + e.getMessage() + ")");
      }
      switch (insn.kind()) {
        case CALL_REL32 -> {
          if ((written & kept) != 0 || insn.unknownEffects()) {
            return new Trace(-1, "changes its arguments before its first call (%"
                + GeneralRegisters.describe(written & kept).replace(", ", ", %") + ")");
          }
          long target = code.textOffset(insn.branchTarget(address + at));
          return target < 0
              ? new Trace(-1, "first calls 0x" + Long.toHexString(insn.branchTarget(address + at))
                  + ", which is not this file's own code (the PLT, another library, or past .text)")
              : new Trace(target, null);
        }
        case RET, JMP_REL, JMP_INDIRECT, CALL_INDIRECT, INT3 -> {
          return new Trace(-1, "reaches " + insn.text() + " at +" + at + " before any direct call");
        }
        default -> {
          if (insn.unknownEffects()) {
            return new Trace(-1, "has " + insn.text() + " at +" + at + ", whose effects are not known");
          }
          written |= insn.gprWrites();
        }
      }
      at += insn.length();
    }
    return new Trace(-1, "makes no direct call within its first " + MAX_PROLOGUE_INSTRUCTIONS + " instructions");
  }

  private static Instruction first(CodeView code, long offset) throws X86DecodeException {
    byte[] bytes = code.code(offset, 16);
    if (bytes.length == 0) {
      throw new X86DecodeException(0, "0x" + Long.toHexString(offset) + " is not in the file's executable code");
    }
    return X86Decoder.decode(bytes, 0, bytes.length);
  }

  private static ProbeCost cost(UprobeEmulation.Verdict v) {
    return switch (v.handling()) {
      case EMULATED -> ProbeCost.EMULATED;
      case SINGLE_STEPPED -> ProbeCost.SINGLE_STEPPED;
      default -> null; // refused (the attach would fail) or unsafe (the program would break): not probed
    };
  }

  private static ProbeSite withReason(ProbeSite s, String more) {
    return new ProbeSite(s.offset(), s.instruction(), s.cost(), s.reason() + " " + more);
  }

}
