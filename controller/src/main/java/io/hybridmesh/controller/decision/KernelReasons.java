package io.hybridmesh.controller.decision;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** What the nodes' kernels lack, one reason per missing feature naming the nodes. */
final class KernelReasons {

  private static final Map<KernelFeature, ReasonCode> CODES = Map.of(
      KernelFeature.BTF, ReasonCode.KERNEL_NO_BTF,
      KernelFeature.RINGBUF, ReasonCode.KERNEL_NO_RINGBUF,
      KernelFeature.TC_BPF, ReasonCode.KERNEL_NO_TC,
      KernelFeature.UPROBES, ReasonCode.KERNEL_NO_UPROBES,
      KernelFeature.SYSCALL_TRACEPOINTS, ReasonCode.KERNEL_NO_TRACEPOINTS,
      KernelFeature.TASK_BTF, ReasonCode.KERNEL_NO_TASK_BTF);

  private static final Map<KernelFeature, String> CONSEQUENCES = Map.of(
      KernelFeature.BTF, "no BTF (/sys/kernel/btf/vmlinux), so HTTP inside TLS cannot be read (CO-RE needs "
          + "it); a kernel built with CONFIG_DEBUG_INFO_BTF=y fixes this",
      KernelFeature.RINGBUF, "no BPF ring buffer (Linux 5.8+), so no eBPF event reaches the agent",
      KernelFeature.TC_BPF, "no TC BPF programs (CONFIG_NET_CLS_BPF), so connections cannot be observed",
      KernelFeature.UPROBES, "no uprobes (CONFIG_UPROBE_EVENTS), so TLS libraries cannot be probed",
      KernelFeature.SYSCALL_TRACEPOINTS, "neither the socket tracepoints (Linux 6.3) nor the syscall "
          + "tracepoints (CONFIG_FTRACE_SYSCALLS), so the connection behind a TLS call cannot be found",
      KernelFeature.TASK_BTF, "no bpf_get_current_task_btf (Linux 5.11+), so the TLS probes cannot "
          + "filter by network namespace or find sockets");

  private KernelReasons() {}

  static List<Reason> of(List<NodeFacts> nodes) {
    List<Reason> out = new ArrayList<>();
    Map<KernelFeature, List<String>> missing = new TreeMap<>();
    for (NodeFacts n : nodes) {
      for (KernelFeature f : n.missingForTls()) {
        missing.computeIfAbsent(f, k -> new ArrayList<>()).add(n.node() + " (" + n.kernelRelease() + ")");
      }
    }
    missing.forEach((feature, names) -> out.add(new Reason(CODES.get(feature),
        "Node" + (names.size() > 1 ? "s " : " ") + String.join(", ", names) + ": "
            + CONSEQUENCES.get(feature) + ".")));
    long readers = nodes.stream().filter(NodeFacts::canReadTls).count();
    if (readers > 0 && readers < nodes.size()) {
      out.add(new Reason(ReasonCode.KERNEL_MIXED, "The workload runs on nodes whose kernels differ ("
          + readers + " of " + nodes.size() + " can read TLS); it is decided for the weakest, so that its "
          + "pods see the same path wherever they are scheduled."));
    }
    Set<String> guessed = new java.util.TreeSet<>();
    nodes.stream().filter(NodeFacts::guess).forEach(n -> guessed.add(n.node()));
    if (!guessed.isEmpty()) {
      out.add(new Reason(ReasonCode.KERNEL_GUESS, "Judged from the kernel version alone for "
          + String.join(", ", guessed) + " (no agent has reported yet); distributions backport features, "
          + "so this may change when the agent reports."));
    }
    return out;
  }
}
