package io.hybridmesh.agent.kernel;

import io.hybridmesh.jni.Bpf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Gathers {@link KernelFacts} from /proc, /sys and the kernel's answers to BPF feature probes. */
public final class KernelFactsReader {

  private KernelFactsReader() {}

  /**
   * @param bpf loads the native library; its failure is a fact, not an exception
   */
  public static KernelFacts read(Supplier<Bpf> bpf) {
    String release = readTrimmed(Path.of("/proc/sys/kernel/osrelease"), "unknown");
    int uid = 0;
    long caps = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
        } else if (line.startsWith("CapEff:")) {
          caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | RuntimeException e) {
      uid = -1;
    }
    boolean btf = Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"));
    boolean kprobes = Files.exists(Path.of("/sys/kernel/tracing/kprobe_events"))
        || Files.exists(Path.of("/sys/kernel/debug/tracing/kprobe_events"));

    String nativeError = null;
    Bpf.Support ringbuf = Bpf.Support.UNKNOWN;
    Bpf.Support tc = Bpf.Support.UNKNOWN;
    try {
      Bpf b = bpf.get();
      ringbuf = b.probeMapType(NodeProbe.MAP_RINGBUF);
      tc = b.probeProgramType(NodeProbe.PROG_SCHED_CLS);
    } catch (RuntimeException | LinkageError e) {
      nativeError = e.getMessage();
    }
    return new KernelFacts(release, uid, caps, btf, kprobes, nativeError, ringbuf, tc);
  }

  private static String readTrimmed(Path p, String fallback) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return fallback;
    }
  }
}
