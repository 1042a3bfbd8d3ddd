package io.hybridmesh.agent.probe.site;

import io.hybridmesh.agent.probe.x86.Instruction;
import io.hybridmesh.agent.probe.x86.InstructionClass;
import io.hybridmesh.agent.probe.x86.X86DecodeException;
import io.hybridmesh.agent.probe.x86.X86Decoder;
import java.util.HashSet;
import java.util.Set;

/** Test oracle: the direct call targets on the fall-through path from an entry, decoded apart from the selector. */
final class CallTargets {

  private CallTargets() {}

  /** Targets inside the file's .text (file offsets); the sweep stops at the first byte that does not decode. */
  static Set<Long> from(CodeView c, long entry) {
    Set<Long> out = new HashSet<>();
    byte[] code = c.code(entry, 160);
    int at = 0;
    while (at < code.length) {
      try {
        Instruction insn = X86Decoder.decode(code, at, code.length);
        if (insn.kind() == InstructionClass.CALL_REL32) {
          long target = c.textOffset(insn.branchTarget(c.address(entry) + at));
          if (target >= 0) {
            out.add(target);
          }
        }
        at += insn.length();
      } catch (X86DecodeException e) {
        break;
      }
    }
    return out;
  }
}
