package io.hybridmesh.jni;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Many uprobes of one file in one link (Linux 6.6, {@code BPF_TRACE_UPROBE_MULTI}): each offset carries a
 * cookie the program reads with {@code bpf_get_attach_cookie}. The program must have been loaded with that
 * attach type ({@link BpfObject#setProgramAttachType}). One link registers every offset in one call, and
 * closing it unregisters them all behind one grace period, where a link per offset waits for one each.
 *
 * @param binary the ELF file, as the kernel sees it
 * @param offsets file offsets, at least one
 * @param cookies one per offset
 * @param returnProbe return probes rather than entry probes
 * @param pid only this process, or -1 for every process that maps the file
 */
public record UprobeMultiTarget(Path binary, long[] offsets, long[] cookies, boolean returnProbe, int pid) {

  /** The attach type the program must be loaded with. */
  public static final int ATTACH_TYPE = 48;

  public UprobeMultiTarget {
    Objects.requireNonNull(binary, "binary");
    if (offsets.length == 0 || offsets.length != cookies.length) {
      throw new IllegalArgumentException("one cookie per offset, and at least one offset");
    }
    offsets = offsets.clone();
    cookies = cookies.clone();
  }

  @Override
  public String toString() {
    return (returnProbe ? "uretprobe_multi " : "uprobe_multi ") + binary + " at "
        + Arrays.stream(offsets).mapToObj(o -> "0x" + Long.toHexString(o)).toList() + (pid > 0 ? " pid " + pid : "");
  }
}
