package io.hybridmesh.agent.kernel;

import io.hybridmesh.jni.Bpf;

/**
 * What the agent found about the kernel and its own privileges at start.
 *
 * @param nativeError why the JNI library could not load, or {@code null} when it did
 * @param ringBuffer whether BPF_MAP_TYPE_RINGBUF exists ({@code UNKNOWN} when not probed)
 * @param tcPrograms whether BPF_PROG_TYPE_SCHED_CLS exists
 */
public record KernelFacts(
    String release,
    int uid,
    long effectiveCapabilities,
    boolean btf,
    boolean kprobes,
    String nativeError,
    Bpf.Support ringBuffer,
    Bpf.Support tcPrograms) {

  static final int CAP_NET_ADMIN = 12;
  static final int CAP_SYS_ADMIN = 21;
  static final int CAP_PERFMON = 38;
  static final int CAP_BPF = 39;

  boolean has(int capability) {
    return (effectiveCapabilities & (1L << capability)) != 0;
  }
}
