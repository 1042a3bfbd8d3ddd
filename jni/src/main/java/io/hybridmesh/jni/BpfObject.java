package io.hybridmesh.jni;

/**
 * One BPF ELF object: its programs and maps. Configure it (rodata knobs, map sizes, shared maps), then
 * {@link #load()} it, then attach programs and use maps. Closing it detaches every link it made and frees
 * its programs and maps (maps shared with another object live on while that object holds them).
 */
public interface BpfObject extends AutoCloseable {

  String name();

  /**
   * Sets a {@code const volatile} global in {@code .rodata} before load, so the verifier sees it as a
   * constant. The value's length must equal the variable's size.
   */
  void setRodata(String variable, byte[] value);

  /** Sets a map's {@code max_entries} before load (for a ring buffer: its size in bytes). */
  void setMapMaxEntries(String map, int maxEntries);

  /** Makes this object use another object's map instead of creating its own (before load). */
  void reuseMap(String map, BpfMap existing);

  /**
   * Loads a program with this expected attach type ({@code bpf_attach_type}) instead of the one its section
   * implies (before load): for attach types libbpf 1.1 does not know, such as {@link UprobeMultiTarget}'s.
   */
  void setProgramAttachType(String program, int attachType);

  /** Leaves a program out of {@link #load()} (before load), e.g. one the kernel cannot verify. */
  void setProgramAutoload(String program, boolean autoload);

  /** Loads every program and creates every map; the verifier runs here. */
  void load();

  /** A map of this object by name. */
  BpfMap map(String name);

  /** Attaches a {@code SEC("tc")} program to a clsact hook of an interface, in a network namespace. */
  BpfLink attachTc(String program, TcHook hook);

  /**
   * Attaches a {@code SEC("tc")} program through a tcx link (Linux 6.6) at the end of the hook's chain. The
   * hook's handle and priority are not used. The link goes with this process whatever way it ends; a kernel
   * without tcx refuses with {@code EINVAL}.
   */
  BpfLink attachTcx(String program, TcHook hook);

  /** Attaches a {@code SEC("uprobe")} or {@code SEC("uretprobe")} program. */
  BpfLink attachUprobe(String program, UprobeTarget target);

  /** Attaches a program loaded for {@code BPF_TRACE_UPROBE_MULTI} to many offsets of one file at once. */
  BpfLink attachUprobeMulti(String program, UprobeMultiTarget target);

  /** Attaches a program to a tracepoint such as {@code syscalls/sys_enter_write}. */
  BpfLink attachTracepoint(String program, String category, String name);

  /** Attaches an fentry/fexit program (the target function comes from its section name). */
  BpfLink attachTracing(String program);

  /** A reader for a {@code BPF_MAP_TYPE_RINGBUF} map of this (loaded) object. */
  RingBufferReader ringBuffer(String map);

  @Override
  void close();
}
