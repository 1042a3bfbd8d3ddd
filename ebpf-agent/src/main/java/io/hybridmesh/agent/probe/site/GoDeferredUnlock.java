package io.hybridmesh.agent.probe.site;

import io.hybridmesh.agent.probe.site.GoSiteSelector.Decoded;
import io.hybridmesh.agent.probe.x86.GeneralRegisters;
import io.hybridmesh.agent.probe.x86.Instruction;
import io.hybridmesh.agent.probe.x86.InstructionClass;
import io.hybridmesh.api.kernel.KernelRelease;
import java.util.ArrayList;
import java.util.List;

/**
 * Where Read's results can be read without a probe on its {@code ret}s, each of which the kernel single-steps
 * (a ret needs a fix-up of the return address, so it is not emulated). Pure.
 *
 * <p>{@code crypto/tls.(*Conn).Read} takes its input lock and defers the unlock. Go compiles the deferred call
 * into a closure ({@code Read.func1}; {@code Read.deferwrap1} from go1.22) that every return after the lock
 * calls through {@code mov S(%rsp),%rdx; mov (%rdx),%rax; call *%rax} with the results already stored in
 * Read's frame; the epilogue after the call loads them back ({@code mov N(%rsp),%rax} for n) before
 * {@code add $F,%rsp; [pop %rbp;] ret}. So a probe on the closure's stack-check jump, which the kernel
 * emulates, sees n at Read's {@code rsp + N}, Read's {@code rsp} being the closure's plus the return address.
 *
 * <p>What is checked before any ret gives up its probe: Read takes the closure's address ({@code lea} of it,
 * rip-relative); each such ret follows the call with nothing but loads from the frame, the stack adjustment
 * and nops, and no jump lands after the call (every path to the ret runs it); all of them load n from one slot
 * and the closure from one slot; and the closure's probe site reads rdx, rsp and r14 before anything writes
 * them. At run time the BPF side checks that rdx is the pointer in Read's closure slot, so a call of the
 * closure from elsewhere (the runtime running defers while a panic unwinds) is not taken for a return. Rets
 * that no such call precedes (before the lock: an empty buffer, a failed handshake; after a recovered panic)
 * keep their probes. Anything else found, and the rets all keep theirs.
 */
public final class GoDeferredUnlock {

  /** The largest frame slot believed: crypto/tls's Read has a frame of about 0x70 bytes. */
  static final int MAX_SLOT = 0xffff;
  /** What the closure's probe reads: its context (rdx), the stack pointer and the goroutine. */
  static final int CLOSURE_REGISTERS = GeneralRegisters.bit(GeneralRegisters.RDX)
      | GeneralRegisters.bit(GeneralRegisters.RSP) | GeneralRegisters.bit(GeneralRegisters.R14);

  /**
   * The probe on the closure and what it stands for.
   *
   * @param closure the closure's name, as the function table gives it
   * @param closureEntry the file offset of its entry
   * @param site the closure's probe site
   * @param resultSlot where Read's frame holds n, from its stack pointer
   * @param closureSlot where Read's frame holds the pointer to the closure (rdx at the call)
   * @param replacedReturns the file offsets of the rets that need no probe of their own
   */
  public record Unlock(String closure, long closureEntry, ProbeSite site, int resultSlot, int closureSlot, List<Long> replacedReturns) {
    public Unlock {
      replacedReturns = List.copyOf(replacedReturns);
    }
  }

  /** The unlock, or why the rets keep their probes (exactly one of the two is non-null). */
  public record Result(Unlock unlock, String why) {}

  /** A function as the function table places it: name, file offset of its entry, address and size. */
  public record Function(String name, long entryOffset, long address, long size) {}

  private GoDeferredUnlock() {}

  public static Result find(CodeView code, Function read, Function closure, KernelRelease kernel) {
    if (read.size() <= 0 || read.size() > GoSiteSelector.MAX_BODY || closure.size() <= 0
        || closure.size() > GoSiteSelector.MAX_BODY) {
      return no("a function has an implausible size");
    }
    Decoded r = GoSiteSelector.decode(code, read.name(), read.entryOffset(), read.size());
    if (r.refusal() != null) {
      return no(r.refusal());
    }
    if (!takesAddressOf(r.insns(), read.address(), closure.address())) {
      return no(read.name() + " does not take the address of " + closure.name());
    }
    int resultSlot = -1;
    int closureSlot = -1;
    List<Long> replaced = new ArrayList<>();
    List<Instruction> insns = r.insns();
    for (int k = 0; k < insns.size(); k++) {
      if (insns.get(k).kind() != InstructionClass.RET) {
        continue;
      }
      Epilogue e = epilogue(insns, k, r);
      if (e == null) {
        continue;
      }
      if (e.resultSlot < 0 || e.closureSlot < 0) {
        return no("the return at +0x" + Integer.toHexString(insns.get(k).offset()) + " of " + read.name()
            + " follows an indirect call that is not the deferred closure's in the expected form");
      }
      if (!replaced.isEmpty() && (e.resultSlot != resultSlot || e.closureSlot != closureSlot)) {
        return no("the returns of " + read.name() + " keep n or the closure in different frame slots");
      }
      resultSlot = e.resultSlot;
      closureSlot = e.closureSlot;
      replaced.add(read.entryOffset() + insns.get(k).offset());
    }
    if (replaced.isEmpty()) {
      return no("no return of " + read.name() + " follows a call of its deferred closure");
    }
    Decoded c = GoSiteSelector.decode(code, closure.name(), closure.entryOffset(), closure.size());
    if (c.refusal() != null) {
      return no(c.refusal());
    }
    ProbeSite at = GoSiteSelector.entrySite(c.insns(), closure.name(), closure.entryOffset(), kernel,
        CLOSURE_REGISTERS);
    if (at == null || at.cost() != ProbeCost.EMULATED) {
      return no(closure.name() + " has no entry site the kernel emulates");
    }
    ProbeSite site = new ProbeSite(at.offset(), at.instruction(), at.cost(), "the deferred unlock that "
        + replaced.size() + " of the returns of " + read.name() + " run, where n is read from its frame (+0x"
        + Integer.toHexString(resultSlot) + "): " + at.reason());
    return new Result(new Unlock(closure.name(), closure.entryOffset(), site, resultSlot, closureSlot, replaced), null);
  }

  private static Result no(String why) {
    return new Result(null, why);
  }

  /** What precedes a ret: null when no indirect call does; slots -1 when one does but not in the form. */
  private record Epilogue(int resultSlot, int closureSlot) {}

  private static Epilogue epilogue(List<Instruction> insns, int ret, Decoded d) {
    int k = ret - 1;
    if (k >= 0 && insns.get(k).length() == 1 && insns.get(k).byteAt(0) == 0x5d) { // pop %rbp
      k--;
    }
    if (k < 0 || !addToRsp(insns.get(k))) {
      return null;
    }
    k--;
    int resultSlot = -1;
    while (k >= 0 && (stackLoad(insns.get(k)) != null || insns.get(k).kind() == InstructionClass.NOP)) {
      int[] load = stackLoad(insns.get(k));
      if (load != null && load[0] == GeneralRegisters.RAX && resultSlot < 0) {
        resultSlot = load[1];
      }
      k--;
    }
    if (k < 0 || insns.get(k).kind() != InstructionClass.CALL_INDIRECT) {
      return null;
    }
    int call = k;
    for (int j = call + 1; j <= ret; j++) {
      if (d.jumpTargets().get(insns.get(j).offset())) {
        return new Epilogue(-1, -1);
      }
    }
    int callee = registerCall(insns.get(call));
    k = skipNops(insns, call - 1);
    if (callee < 0 || k < 0 || loadThroughRdx(insns.get(k)) != callee) {
      return new Epilogue(-1, -1);
    }
    k = skipNops(insns, k - 1);
    int[] closure = k < 0 ? null : stackLoad(insns.get(k));
    if (closure == null || closure[0] != GeneralRegisters.RDX) {
      return new Epilogue(-1, -1);
    }
    return new Epilogue(resultSlot, closure[1]);
  }

  private static int skipNops(List<Instruction> insns, int k) {
    while (k >= 0 && insns.get(k).kind() == InstructionClass.NOP) {
      k--;
    }
    return k;
  }

  /** {@code lea disp32(%rip),%reg} whose target is {@code target}. */
  static boolean takesAddressOf(List<Instruction> insns, long functionAddress, long target) {
    for (Instruction i : insns) {
      if (i.length() == 7 && (i.byteAt(0) & 0xfb) == 0x48 && i.byteAt(1) == 0x8d && (i.byteAt(2) & 0xc7) == 0x05) {
        int disp = i.byteAt(3) | i.byteAt(4) << 8 | i.byteAt(5) << 16 | i.byteAt(6) << 24;
        if (functionAddress + i.offset() + i.length() + disp == target) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code mov disp(%rsp),%reg64} as {register, disp}, else null. */
  static int[] stackLoad(Instruction i) {
    int len = i.length();
    if ((len != 5 && len != 8) || (i.byteAt(0) & 0xfb) != 0x48 || i.byteAt(1) != 0x8b || i.byteAt(3) != 0x24) {
      return null;
    }
    int modrm = i.byteAt(2);
    int mod = modrm >> 6;
    if ((modrm & 7) != 4 || (mod == 1) != (len == 5) || (mod == 2) != (len == 8)) {
      return null;
    }
    int reg = ((modrm >> 3) & 7) | ((i.byteAt(0) & 4) << 1);
    int disp = len == 5 ? (byte) i.byteAt(4) : i.byteAt(4) | i.byteAt(5) << 8 | i.byteAt(6) << 16 | i.byteAt(7) << 24;
    return disp < 0 || disp > MAX_SLOT ? null : new int[] {reg, disp};
  }

  /** {@code add $imm,%rsp} (imm8 or imm32). */
  static boolean addToRsp(Instruction i) {
    return i.byteAt(0) == 0x48 && ((i.length() == 4 && i.byteAt(1) == 0x83) || (i.length() == 7
        && i.byteAt(1) == 0x81)) && i.byteAt(2) == 0xc4;
  }

  /** The register of {@code call *%reg}, else -1. */
  static int registerCall(Instruction i) {
    int at = i.length() == 3 && i.byteAt(0) == 0x41 ? 1 : 0;
    if (i.length() != at + 2 || i.byteAt(at) != 0xff || (i.byteAt(at + 1) & 0xf8) != 0xd0) {
      return -1;
    }
    return (i.byteAt(at + 1) & 7) | (at == 1 ? 8 : 0);
  }

  /** The destination of {@code mov (%rdx),%reg64}, else -1. */
  static int loadThroughRdx(Instruction i) {
    if (i.length() != 3 || (i.byteAt(0) & 0xfb) != 0x48 || i.byteAt(1) != 0x8b || (i.byteAt(2) & 0xc7) != 0x02) {
      return -1;
    }
    return ((i.byteAt(2) >> 3) & 7) | ((i.byteAt(0) & 4) << 1);
  }
}
