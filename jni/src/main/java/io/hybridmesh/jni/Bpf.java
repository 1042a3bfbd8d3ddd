package io.hybridmesh.jni;

import java.nio.file.Path;

/**
 * Entry point to the kernel's BPF subsystem: opens BPF objects and asks the kernel what it supports.
 *
 * <p>This interface is generic: it knows nothing about flows or meshes. Code above it takes a {@code Bpf}
 * so that it can be tested with a fake instead of the kernel; {@link NativeBpf} is the libbpf-backed one.
 */
public interface Bpf {

  /** Opens (parses, does not load) a BPF ELF object held in memory, for example a jar resource. */
  BpfObject open(String name, byte[] elf);

  /** Opens (parses, does not load) a BPF ELF object file. */
  BpfObject open(Path path);

  /** Whether the kernel supports a map type ({@code enum bpf_map_type} value). */
  Support probeMapType(int mapType);

  /** Whether the kernel supports a program type ({@code enum bpf_prog_type} value). */
  Support probeProgramType(int programType);

  /** Whether programs of a type may call a helper ({@code enum bpf_func_id} value). */
  Support probeHelper(int programType, int helperId);

  /** Whether TC programs attach through tcx links (Linux 6.6), which go with the process holding them. */
  Support probeTcx();

  /**
   * Removes a legacy (netlink, clsact) TC filter at the hook's handle and priority, but only when the
   * program behind it has this name: a filter a previous run of ours left, never someone else's.
   *
   * @return whether a filter was removed
   */
  boolean removeLegacyTc(TcHook hook, String program);

  /** The names of the programs attached to a hook through tcx, in the order they run (empty: none). */
  java.util.List<String> tcxPrograms(TcHook hook);

  /** Number of possible CPUs, the stride of per-CPU map values. */
  int possibleCpus();

  /** The answer of a feature probe. */
  enum Support {
    YES,
    NO,
    /** The probe itself failed (for example missing privileges); the answer is unknown. */
    UNKNOWN
  }
}
