package io.hybridmesh.jni;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Many uprobes of one file in one link (Linux 6.6, {@code BPF_TRACE_UPROBE_MULTI}): each offset carries a
 * cookie the program reads with {@code bpf_get_attach_cookie}. The program must have been loaded with the
 * kind's attach type ({@link Kind#attachType()}, {@link BpfObject#setProgramAttachType}). One link registers
 * every offset in one call, and closing it unregisters them all behind one grace period, where a link per
 * offset waits for one each.
 *
 * @param binary the ELF file, as the kernel sees it
 * @param offsets file offsets, at least one
 * @param cookies one per offset
 * @param kind entry probes, return probes, or sessions of both
 * @param pid only this process, or -1 for every process that maps the file
 */
public record UprobeMultiTarget(Path binary, long[] offsets, long[] cookies, Kind kind, int pid) {

  /** The attach type of entry and return links ({@code BPF_TRACE_UPROBE_MULTI}). */
  public static final int ATTACH_TYPE = 48;
  /** The attach type of session links ({@code BPF_TRACE_UPROBE_SESSION}, Linux 6.13). */
  public static final int SESSION_ATTACH_TYPE = 57;

  /** What the link's program runs at. The order is the JNI's ({@code attach.c}). */
  public enum Kind {
    /** Each offset's entry. */
    ENTRY,
    /** The return of each call that entered at an offset. */
    RETURN,
    /**
     * Both, one program: at the entry, and at the return of the calls whose entry run returned 0
     * ({@code bpf_session_is_return()} tells which). An entry that returns 1 costs no return probe.
     */
    SESSION;

    /** The attach type the program must be loaded with. */
    public int attachType() {
      return this == SESSION ? SESSION_ATTACH_TYPE : ATTACH_TYPE;
    }
  }

  public UprobeMultiTarget {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(kind, "kind");
    if (offsets.length == 0 || offsets.length != cookies.length) {
      throw new IllegalArgumentException("one cookie per offset, and at least one offset");
    }
    offsets = offsets.clone();
    cookies = cookies.clone();
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case ENTRY -> "uprobe_multi ";
      case RETURN -> "uretprobe_multi ";
      case SESSION -> "uprobe_session ";
    };
    return what + binary + " at " + Arrays.stream(offsets).mapToObj(o -> "0x" + Long.toHexString(o)).toList()
        + (pid > 0 ? " pid " + pid : "");
  }
}
