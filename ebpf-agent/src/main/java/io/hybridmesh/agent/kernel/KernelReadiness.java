package io.hybridmesh.agent.kernel;

import io.hybridmesh.jni.Bpf;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges whether the TC data path can run, from {@link KernelFacts}; pure. Every problem is one or two
 * plain sentences: what is missing, and what still works.
 */
public final class KernelReadiness {

  /** @param canRun false when nothing at all can be observed */
  public record Assessment(boolean canRun, List<String> problems, List<String> notes) {}

  private KernelReadiness() {}

  public static Assessment assess(KernelFacts f) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean canRun = true;

    boolean privileged = f.uid() == 0
        || (f.has(KernelFacts.CAP_BPF) && f.has(KernelFacts.CAP_NET_ADMIN)
            && f.has(KernelFacts.CAP_SYS_ADMIN))
        || f.has(KernelFacts.CAP_SYS_ADMIN) && f.has(KernelFacts.CAP_NET_ADMIN);
    if (!privileged) {
      problems.add("The agent runs as uid " + f.uid() + " without CAP_BPF, CAP_NET_ADMIN and "
          + "CAP_SYS_ADMIN, so it cannot load BPF programs or enter network namespaces. "
          + "Run it as root (sudo) or grant those capabilities; nothing can be observed until then.");
      canRun = false;
    }
    if (f.nativeError() != null) {
      problems.add("The BPF library could not be loaded (" + f.nativeError() + "). "
          + "Nothing can be observed until it can.");
      canRun = false;
    } else if (privileged) {
      if (f.tcPrograms() == Bpf.Support.NO) {
        problems.add("This kernel (" + f.release() + ") cannot run TC BPF programs "
            + "(CONFIG_NET_CLS_BPF), so no connection can be observed on it.");
        canRun = false;
      }
      if (f.ringBuffer() == Bpf.Support.NO) {
        problems.add("This kernel (" + f.release() + ") has no BPF ring buffer (Linux 5.8 and later), "
            + "which the agent uses to receive every event; it cannot report flows here.");
        canRun = false;
      }
    }
    if (!f.btf()) {
      problems.add("This kernel exposes no BTF (/sys/kernel/btf/vmlinux), so HTTP inside TLS cannot be "
          + "read here (those programs need CO-RE). L3/L4 connection flows still work.");
    }
    if (!f.kprobes()) {
      notes.add("kprobes are not available on this kernel; the agent does not need them "
          + "(it uses TC, tracepoints and uprobes).");
    }
    return new Assessment(canRun, List.copyOf(problems), List.copyOf(notes));
  }
}
