package io.hybridmesh.agent.kernel;

import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.Bpf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** For each missing feature, which capability degrades and how, in a sentence; pure. */
public final class Degradations {

  private static final Map<KernelFeature, String> WHEN_MISSING = Map.ofEntries(
      Map.entry(KernelFeature.BTF, "no BTF: HTTP inside TLS cannot be read (its programs need CO-RE); "
          + "L3/L4 connection flows still work"),
      Map.entry(KernelFeature.RINGBUF, "no BPF ring buffer: the agent has no perf-buffer fallback yet, so "
          + "no eBPF data path on this node; its workloads get sidecars"),
      Map.entry(KernelFeature.TC_BPF, "no TC BPF programs: no L3/L4 connection flows"),
      Map.entry(KernelFeature.UPROBES, "no uprobes: HTTP inside TLS cannot be read"),
      Map.entry(KernelFeature.SYSCALL_TRACEPOINTS, "no syscall tracepoints: the connection behind a TLS "
          + "call cannot be found, so HTTP inside TLS cannot be read"),
      Map.entry(KernelFeature.SOCKET_TRACEPOINTS, "no socket tracepoints (Linux 6.3): the socket behind a "
          + "TLS call is found through the read/write syscall tracepoints instead, which put every syscall of "
          + "every process on this node on the kernel's slower traced path while the agent runs"),
      Map.entry(KernelFeature.TASK_BTF, "no bpf_get_current_task_btf: the TLS probes can neither filter "
          + "by network namespace nor find sockets, so HTTP inside TLS cannot be read"),
      Map.entry(KernelFeature.CGROUP_ID, "no bpf_get_current_cgroup_id: TLS flows carry no cgroup id"),
      Map.entry(KernelFeature.PROBE_READ_USER, "no bpf_probe_read_user: TLS plaintext cannot be copied, "
          + "so HTTP inside TLS cannot be read"),
      Map.entry(KernelFeature.FENTRY, "no fentry/fexit: nothing is lost today (the data path uses "
          + "tracepoints and uprobes)"),
      Map.entry(KernelFeature.BOUNDED_LOOPS, "no bounded loops: nothing is lost today (the programs unroll "
          + "their loops)"),
      Map.entry(KernelFeature.BPF_LINK, "no BPF links: probes are attached the legacy way and outlive a "
          + "crashed agent until it restarts"),
      Map.entry(KernelFeature.TCX, "no tcx: TC programs are attached through netlink (clsact), which works "
          + "but outlives a crashed agent until it restarts or 'hmesh agent --cleanup' removes them"),
      Map.entry(KernelFeature.UPROBE_MULTI, "no uprobe_multi: each watched process gets a perf-event link per "
          + "probe site instead of two links per library; the same to run, but each link's close waits for its "
          + "own grace periods (about 85 ms here, one after the other), so processes that come and go keep the "
          + "agent's detaching threads busy"),
      Map.entry(KernelFeature.UPROBE_SESSION, "no uprobe sessions: every TLS write takes a return probe too "
          + "(a second trap, about 0.5 us a write here), where a write that its socket takes at once is "
          + "reported at its entry with them"),
      Map.entry(KernelFeature.PLAINTEXT_SOCKET, "the agent does not read plaintext HTTP at sockets here "
          + "(--plaintext off, or its socket programs did not load): plaintext workloads need sidecars for L7"),
      Map.entry(KernelFeature.PLAINTEXT_TC, "the agent does not read plaintext HTTP/1.x in its TC programs here "
          + "(--plaintext is not tc): nothing is lost where it reads at the sockets"));

  private Degradations() {}

  /** A sentence for each feature the kernel said no to, or that could not be found out. */
  public static List<String> of(List<FeatureFinding> findings) {
    List<String> out = new ArrayList<>();
    for (FeatureFinding f : findings) {
      if (f.support() == Bpf.Support.NO) {
        out.add(WHEN_MISSING.get(f.feature()) + ".");
      } else if (f.support() == Bpf.Support.UNKNOWN) {
        out.add(f.feature().name().toLowerCase() + " could not be probed (" + f.how() + "); if it is "
            + "missing: " + WHEN_MISSING.get(f.feature()) + ".");
      }
    }
    return out;
  }
}
