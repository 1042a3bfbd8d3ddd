package io.hybridmesh.jni;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The {@link Bpf} backed by libbpf through libhmjni. {@link #load()} loads the native library from this
 * jar once per JVM; it needs libbpf1 (libbpf.so.1) installed.
 *
 * <p>Errors carry libbpf's last warning lines (a verifier rejection ends with the verifier's reason). With
 * the environment variable {@code HMESH_LIBBPF_DEBUG=1} all of libbpf's output also goes to stderr.
 * Tracepoint attach needs tracefs mounted at {@code /sys/kernel/tracing}; this class does not mount it.
 */
public final class NativeBpf implements Bpf {

  private static NativeBpf instance;

  private NativeBpf() {}

  /**
   * Loads the native library (first call only) and returns the instance.
   *
   * @throws UnsatisfiedLinkError when the library or libbpf.so.1 cannot be loaded; the message says
   *     which package to install
   */
  public static synchronized NativeBpf load() {
    if (instance == null) {
      NativeLibrary.load();
      instance = new NativeBpf();
    }
    return instance;
  }

  @Override
  public BpfObject open(String name, byte[] elf) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elf, "elf");
    return new NativeBpfObject(Native.openMem(name, elf));
  }

  @Override
  public BpfObject open(Path path) {
    Objects.requireNonNull(path, "path");
    return new NativeBpfObject(Native.openFile(path.toString()));
  }

  @Override
  public Support probeMapType(int mapType) {
    return Support.values()[Native.probeMapType(mapType)];
  }

  @Override
  public Support probeProgramType(int programType) {
    return Support.values()[Native.probeProgramType(programType)];
  }

  @Override
  public Support probeHelper(int programType, int helperId) {
    return Support.values()[Native.probeHelper(programType, helperId)];
  }

  @Override
  public Support probeTcx() {
    return Support.values()[Native.probeTcx()];
  }

  @Override
  public boolean removeLegacyTc(TcHook hook, String program) {
    Objects.requireNonNull(hook, "hook");
    Objects.requireNonNull(program, "program");
    return Native.removeLegacyTc(hook.netns() == null ? null : hook.netns().toString(), hook.interfaceName(),
        hook.direction() == TcHook.Direction.INGRESS, hook.handle(), hook.priority(), program);
  }

  @Override
  public java.util.List<String> tcxPrograms(TcHook hook) {
    Objects.requireNonNull(hook, "hook");
    return java.util.List.of(Native.queryTcx(hook.netns() == null ? null : hook.netns().toString(),
        hook.interfaceName(), hook.direction() == TcHook.Direction.INGRESS));
  }

  @Override
  public int possibleCpus() {
    return Native.possibleCpus();
  }
}
