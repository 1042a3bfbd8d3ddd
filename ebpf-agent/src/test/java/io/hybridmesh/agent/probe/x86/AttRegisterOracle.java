package io.hybridmesh.agent.probe.x86;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An independent opinion on which general registers an instruction writes, read from objdump's AT&T
 * text rather than from the bytes: the destination is the last operand when it is a general register,
 * plus the implicit writes of the mnemonics listed here. Empty for mnemonics it has no rule for, so a
 * test can count what it compared and what it skipped.
 */
final class AttRegisterOracle {

  private static final Map<String, Integer> REGISTERS = registers();
  private static final Pattern NO_WRITE = Pattern.compile(
      "(test|cmp)[bwlq]?|bt[wlq]?|v?u?comis[sd]|v?ptest|k(or)?test[bwdq]|j[a-z]+|nop[wlq]?|endbr(32|64)|ud[012]"
          + "|hlt|int3|cl[cdi]|st[cdi]|cmc|sahf|fwait|wait|emms|vzeroupper|vzeroall|[lsm]fence|pause"
          + "|prefetch[a-z0-9]*|clflush(opt)?|clwb|xend|xtest|xabort|wr[fg]sbase|wrpkru|incssp[dq]|ptwrite[lq]?"
          + "|umonitor|umwait|tpause|ldmxcsr|vldmxcsr|stmxcsr|vstmxcsr|fx(save|rstor)(64)?|xsave.*|xrstor.*"
          + "|movnti|maskmovq|(v)?maskmovdqu|sfence|out[bwl]?|outs[bwl]?|wrmsr|vmovnt.*|movnt.*|vmwrite|ljmp");
  private static final java.util.Set<String> IMPLICIT = java.util.Set.of("push", "pushf", "call", "lcall", "ret",
      "lret", "iret", "pop", "popf", "leave", "enter", "xchg", "xadd", "cmpxchg", "cmpxchg8", "cmpxchg16",
      "mul", "div", "idiv", "imul", "cltq", "cwtl", "cbtw", "lahf", "xlat", "xbegin", "cqto", "cltd", "cwtd",
      "syscall", "cpuid", "rdtsc", "rdpkru", "xgetbv", "rdmsr", "rdpmc", "rdtscp", "loop", "loope", "loopne",
      "pcmpistri", "pcmpestri", "vpcmpistri", "vpcmpestri", "mulx");
  private static final Pattern STRING_OP = Pattern.compile("(movs|stos|lods|scas|cmps|ins|outs)[bwlq]?");

  private AttRegisterOracle() {}

  /** The registers {@code text} writes, or empty when this oracle has no rule for its mnemonic. */
  static Optional<Integer> writes(String text) {
    String t = text.replaceAll("\\s+#.*$", "").replaceAll("<[^>]*>", "").trim();
    boolean rep = false;
    while (true) {
      String first = t.split("\\s+", 2)[0];
      if (!first.matches("lock|rep|repz|repnz|repe|repne|data16|addr32|cs|ds|es|ss|fs|gs|notrack|bnd|rex.*")) {
        break;
      }
      rep |= first.startsWith("rep");
      t = t.substring(first.length()).trim();
    }
    String[] parts = t.split("\\s+", 2);
    String m = parts[0].replaceAll(",p[nt]$", ""); // branch hints: "jne,pt"
    if (m.isEmpty()) {
      return Optional.empty();
    }
    List<String> ops = operands(parts.length > 1 ? parts[1] : "");
    if (STRING_OP.matcher(m).matches() && (t.contains("(%rsi)") || t.contains("(%rdi)") || t.contains("(%esi)")
        || t.contains("(%edi)") || t.contains("(%dx)"))) {
      int w = m.startsWith("movs") || m.startsWith("cmps") ? bit("rsi") | bit("rdi")
          : m.startsWith("lods") ? bit("rsi") | bit("rax") : m.startsWith("outs") ? bit("rsi") : bit("rdi");
      return Optional.of(rep ? w | bit("rcx") : w);
    }
    if (m.equals("xchg") && ops.equals(List.of("%ax", "%ax"))) {
      return Optional.of(0); // objdump's name for 66 90; xchg %eax,%eax (87 c0) does clear rax's top half
    }
    if (NO_WRITE.matcher(m).matches()) {
      return Optional.of(0);
    }
    int last = ops.isEmpty() ? 0 : reg(ops.get(ops.size() - 1));
    String base = IMPLICIT.contains(m) || !IMPLICIT.contains(m.substring(0, m.length() - 1))
        ? m : m.substring(0, m.length() - 1); // pushq -> push, but call stays call
    return switch (base) {
      case "push", "pushf", "call", "lcall", "ret", "lret", "iret" -> Optional.of(bit("rsp"));
      case "pop", "popf" -> Optional.of(bit("rsp") | last);
      case "leave", "enter" -> Optional.of(bit("rsp") | bit("rbp"));
      case "xchg", "xadd" -> Optional.of(reg(ops.get(0)) | last);
      case "cmpxchg" -> Optional.of(bit("rax") | last);
      case "cmpxchg8", "cmpxchg16" -> Optional.of(bit("rax") | bit("rdx")); // cmpxchg8b, cmpxchg16b
      case "mul", "div", "idiv" -> Optional.of(bit("rax") | (byteOperand(m, ops) ? 0 : bit("rdx")));
      case "imul" -> Optional.of(ops.size() == 1 ? bit("rax") | (byteOperand(m, ops) ? 0 : bit("rdx")) : last);
      case "cltq", "cwtl", "cbtw", "lahf", "xlat", "xbegin" -> Optional.of(bit("rax"));
      case "cqto", "cltd", "cwtd" -> Optional.of(bit("rdx"));
      case "syscall" -> Optional.of(bit("rax") | bit("rcx") | bit("r11"));
      case "cpuid" -> Optional.of(bit("rax") | bit("rbx") | bit("rcx") | bit("rdx"));
      case "rdtsc", "rdpkru", "xgetbv", "rdmsr", "rdpmc" -> Optional.of(bit("rax") | bit("rdx"));
      case "rdtscp" -> Optional.of(bit("rax") | bit("rdx") | bit("rcx"));
      case "loop", "loope", "loopne" -> Optional.of(bit("rcx"));
      case "pcmpistri", "pcmpestri", "vpcmpistri", "vpcmpestri" -> Optional.of(bit("rcx"));
      case "mulx" -> Optional.of(reg(ops.get(ops.size() - 2)) | last);
      default -> m.matches("[a-z][a-z0-9]*") && !m.startsWith("f") ? Optional.of(last) : Optional.empty();
    };
  }

  private static boolean byteOperand(String m, List<String> ops) {
    String op = ops.get(0);
    return m.endsWith("b") || op.matches("%(al|bl|cl|dl|ah|bh|ch|dh|spl|bpl|sil|dil|r\\d+b)");
  }

  private static int bit(String name) {
    return 1 << REGISTERS.get(name);
  }

  /** The register bit of an operand such as "%edx", 0 for memory, immediates and vector registers. */
  private static int reg(String operand) {
    if (!operand.startsWith("%")) {
      return 0;
    }
    Integer r = REGISTERS.get(operand.substring(1));
    return r == null ? 0 : 1 << r;
  }

  private static List<String> operands(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (!cur.toString().isBlank()) {
      out.add(cur.toString().trim());
    }
    return out;
  }

  private static Map<String, Integer> registers() {
    String[][] names = {
        {"rax", "eax", "ax", "al", "ah"}, {"rcx", "ecx", "cx", "cl", "ch"}, {"rdx", "edx", "dx", "dl", "dh"},
        {"rbx", "ebx", "bx", "bl", "bh"}, {"rsp", "esp", "sp", "spl"}, {"rbp", "ebp", "bp", "bpl"},
        {"rsi", "esi", "si", "sil"}, {"rdi", "edi", "di", "dil"}};
    Map<String, Integer> m = new java.util.HashMap<>();
    for (int i = 0; i < names.length; i++) {
      for (String n : names[i]) {
        m.put(n, i);
      }
    }
    for (int i = 8; i < 16; i++) {
      for (String suffix : new String[] {"", "d", "w", "b", "l"}) {
        m.put("r" + i + suffix, i);
      }
    }
    return Map.copyOf(m);
  }
}
