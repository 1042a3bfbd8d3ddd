package io.hybridmesh.agent.kernel;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.api.kernel.KernelVersionJudge;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.Bpf.Support;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.UprobeMultiTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Asks the kernel what it offers the data path: libbpf's feature probes through the JNI library, tiny
 * programs loaded and dropped, and the files the kernel exposes. Versions are not parsed, except for
 * the features libbpf 1.1 cannot probe (tcx, links), which are marked as inferred; uprobe_multi is probed by
 * loading a program with its attach type.
 */
public final class NodeProbe {

  static final int MAP_RINGBUF = 27;
  static final int PROG_KPROBE = 2;
  static final int PROG_SCHED_CLS = 3;
  static final int PROG_TRACEPOINT = 5;
  static final int PROG_RAW_TRACEPOINT = 17;
  static final int HELPER_GET_CURRENT_CGROUP_ID = 80;
  static final int HELPER_PROBE_READ_USER = 112;
  static final int HELPER_GET_CURRENT_TASK_BTF = 158;

  private final Bpf bpf;
  private final Path sys;
  private final Path proc;
  private final Path boot;

  public NodeProbe(Bpf bpf) {
    this(bpf, Path.of("/sys"), Path.of("/proc"), Path.of("/boot"));
  }

  NodeProbe(Bpf bpf, Path sys, Path proc, Path boot) {
    this.bpf = bpf;
    this.sys = sys;
    this.proc = proc;
    this.boot = boot;
  }

  public NodeReport probe() {
    String release = read(proc.resolve("sys/kernel/osrelease"), "unknown");
    List<FeatureFinding> f = new ArrayList<>();
    Path btf = sys.resolve("kernel/btf/vmlinux");
    f.add(new FeatureFinding(KernelFeature.BTF, Files.isReadable(btf) ? Support.YES : Support.NO,
        "readable " + btf));
    f.add(new FeatureFinding(KernelFeature.RINGBUF, bpf.probeMapType(MAP_RINGBUF),
        "libbpf_probe_bpf_map_type(RINGBUF)"));
    f.add(new FeatureFinding(KernelFeature.TC_BPF, bpf.probeProgramType(PROG_SCHED_CLS),
        "libbpf_probe_bpf_prog_type(SCHED_CLS)"));
    f.add(both(KernelFeature.UPROBES, bpf.probeProgramType(PROG_KPROBE),
        Files.exists(sys.resolve("bus/event_source/devices/uprobe")),
        "libbpf_probe_bpf_prog_type(KPROBE) and " + sys.resolve("bus/event_source/devices/uprobe")));
    Path syscallEvents = tracing().resolve("events/syscalls/sys_enter_write");
    f.add(both(KernelFeature.SYSCALL_TRACEPOINTS, bpf.probeProgramType(PROG_TRACEPOINT),
        Files.exists(syscallEvents), "libbpf_probe_bpf_prog_type(TRACEPOINT) and " + syscallEvents));
    Path socketEvents = tracing().resolve("events/sock/sock_send_length");
    f.add(both(KernelFeature.SOCKET_TRACEPOINTS, bpf.probeProgramType(PROG_RAW_TRACEPOINT),
        Files.exists(socketEvents), "libbpf_probe_bpf_prog_type(RAW_TRACEPOINT) and " + socketEvents));
    f.add(helper(KernelFeature.TASK_BTF, HELPER_GET_CURRENT_TASK_BTF, "get_current_task_btf"));
    f.add(helper(KernelFeature.CGROUP_ID, HELPER_GET_CURRENT_CGROUP_ID, "get_current_cgroup_id"));
    f.add(helper(KernelFeature.PROBE_READ_USER, HELPER_PROBE_READ_USER, "probe_read_user"));
    f.add(loads(KernelFeature.BOUNDED_LOOPS, "feature_loop.bpf.o"));
    f.add(loads(KernelFeature.FENTRY, "feature_fentry.bpf.o"));
    f.add(loadsAs(KernelFeature.UPROBE_MULTI, "feature_uprobe_multi.bpf.o", "hm_probe_uprobe_multi",
        UprobeMultiTarget.ATTACH_TYPE));
    f.add(loadsAs(KernelFeature.UPROBE_SESSION, "feature_uprobe_session.bpf.o", "hm_probe_uprobe_session",
        UprobeMultiTarget.SESSION_ATTACH_TYPE));
    Support tcx = bpf.probeTcx();
    f.add(new FeatureFinding(KernelFeature.TCX, tcx,
        "a tcx link (bpf(BPF_LINK_CREATE, BPF_TCX_INGRESS)) of a 2-instruction program on lo"));
    if (tcx == Support.YES) {
      f.add(new FeatureFinding(KernelFeature.BPF_LINK, Support.YES, "tcx links work, so BPF links do"));
    } else {
      boolean likely = KernelVersionJudge.judge(release).contains(KernelFeature.BPF_LINK);
      f.add(new FeatureFinding(KernelFeature.BPF_LINK, Support.UNKNOWN, "libbpf 1.1 cannot probe it; kernel "
          + release + " upstream " + (likely ? "has" : "lacks") + " it"));
    }
    String[] config = KernelConfig.read(proc, boot, release);
    Map<String, String> options = config == null ? Map.of() : KernelConfig.parse(config[1]);
    return new NodeReport(release, List.copyOf(f), options, config == null ? null : config[0],
        Degradations.of(f));
  }

  /** The tracefs mount: /sys/kernel/tracing, or the older debugfs path. */
  private Path tracing() {
    Path modern = sys.resolve("kernel/tracing");
    return Files.exists(modern.resolve("events")) ? modern : sys.resolve("kernel/debug/tracing");
  }

  private FeatureFinding helper(KernelFeature feature, int helper, String name) {
    return new FeatureFinding(feature, bpf.probeHelper(PROG_KPROBE, helper),
        "libbpf_probe_bpf_helper(KPROBE, " + name + ")");
  }

  private static FeatureFinding both(KernelFeature feature, Support a, boolean b, String how) {
    Support s = a == Support.NO || !b ? Support.NO : a;
    return new FeatureFinding(feature, s, how);
  }

  /** Loads a tiny program and drops it: the verifier's yes or no is the answer. */
  private FeatureFinding loads(KernelFeature feature, String object) {
    return loadsAs(feature, object, null, 0);
  }

  /** The same, with one program loaded for an attach type its section does not say (0: as it is). */
  private FeatureFinding loadsAs(KernelFeature feature, String object, String program, int attachType) {
    try (BpfObject o = bpf.open(object, BpfObjects.load(object))) {
      if (program != null) {
        o.setProgramAttachType(program, attachType);
      }
      o.load();
      return new FeatureFinding(feature, Support.YES, "loaded " + object);
    } catch (BpfException e) {
      return new FeatureFinding(feature, e.errno() == 1 /* EPERM */ || e.errno() == 22 /* EINVAL */
          || e.errno() == 524 /* ENOTSUPP */ ? Support.NO : Support.UNKNOWN,
          "loading " + object + ": " + firstLine(e.getMessage()));
    } catch (IllegalStateException e) {
      return new FeatureFinding(feature, Support.UNKNOWN, e.getMessage());
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String read(Path p, String fallback) {
    try {
      return Files.readString(p).trim();
    } catch (java.io.IOException e) {
      return fallback;
    }
  }
}
