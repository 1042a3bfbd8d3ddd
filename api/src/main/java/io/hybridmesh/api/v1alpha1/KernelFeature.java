package io.hybridmesh.api.v1alpha1;

/**
 * The kernel features the data path relies on. The agent finds each by asking the kernel and reports
 * them in its NodeCapability; the decision engine reads them.
 */
public enum KernelFeature {
  /** /sys/kernel/btf/vmlinux: CO-RE programs can load. */
  BTF,
  /** BPF_MAP_TYPE_RINGBUF (5.8). */
  RINGBUF,
  /** SCHED_CLS programs on clsact (4.5). */
  TC_BPF,
  /** uprobes with BPF programs (4.3) and the uprobe PMU or tracefs. */
  UPROBES,
  /** syscalls:sys_enter_* tracepoints (the socket behind a TLS call). */
  SYSCALL_TRACEPOINTS,
  /**
   * sock:sock_send_length and sock:sock_recv_length (6.3): the socket behind a TLS call from socket I/O
   * alone, without the syscall tracepoints that slow every syscall on the node.
   */
  SOCKET_TRACEPOINTS,
  /** bpf_get_current_task_btf (5.11). */
  TASK_BTF,
  /** BPF links (5.7): programs detach when the agent dies. */
  BPF_LINK,
  /** tcx (6.6): TC through BPF links. */
  TCX,
  /** uprobe_multi links (6.6): one link for many probes. */
  UPROBE_MULTI,
  /** uprobe sessions (6.13): one program at entry and return, and no return probe where the entry says so. */
  UPROBE_SESSION,
  /** fentry/fexit (5.5). */
  FENTRY,
  /** Bounded loops (5.3). */
  BOUNDED_LOOPS,
  /** bpf_get_current_cgroup_id (4.18). */
  CGROUP_ID,
  /** bpf_probe_read_user (5.5). */
  PROBE_READ_USER,
  /**
   * Not the kernel's alone: this node's agent reads plaintext HTTP at TCP sockets (its syscall tracepoint
   * programs load here and {@code --plaintext} is not off). Judged from the version: task BTF (5.11).
   */
  PLAINTEXT_SOCKET,
  /**
   * Not the kernel's: this node's agent reads plaintext HTTP/1.x in its TC programs ({@code --plaintext tc}):
   * method, path, status, latency and the headers in a request's first 128 bytes, no HTTP/2. Never judged from
   * the version: the agent says so or it is not there.
   */
  PLAINTEXT_TC
}
