package io.hybridmesh.agent.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import io.hybridmesh.jni.RingBufferReader;
import io.hybridmesh.jni.TcHook;
import io.hybridmesh.jni.UprobeMultiTarget;
import io.hybridmesh.jni.UprobeTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A kernel for the TC data path's choices, without BPF: it loads the packaged TC objects (refusing the
 * build with atomics when it plays a kernel before 5.12), attaches through tcx or legacy filters (refusing
 * tcx with EINVAL when it plays a kernel before 6.6), and keeps legacy filters "an earlier run left".
 */
public final class FakeTcKernel implements Bpf {
  private final boolean before512;
  private final boolean tcx;
  private final byte[] atomics = BpfObjects.load(BpfObjects.TC_FLOW);
  private final byte[] plain = BpfObjects.load(BpfObjects.TC_FLOW_NO_ATOMICS);
  /** Objects loaded, by packaged name. */
  public final List<String> loaded = new ArrayList<>();
  /** Links made, as "tcx hm_tc_ingress eth0" or "tc hm_tc_ingress eth0"; tcx attempts refused included. */
  public final List<String> attached = new ArrayList<>();
  /** Legacy filters of ours on hooks, as "eth0 INGRESS". */
  public final Set<String> legacyFilters = new HashSet<>();
  /** Per object opened, in order: "map &lt;- the name of the map it took over", as objects call reuseMap. */
  public final List<String> reused = new ArrayList<>();
  /** The last value each read-only variable was set to, whichever object set it. */
  public final Map<String, byte[]> rodata = new HashMap<>();
  public int closed;

  public FakeTcKernel(boolean before512) {
    this(before512, true);
  }

  public FakeTcKernel(boolean before512, boolean tcx) {
    this.before512 = before512;
    this.tcx = tcx;
  }

  @Override
  public BpfObject open(String name, byte[] elf) {
    assertTrue(Arrays.equals(elf, atomics) || Arrays.equals(elf, plain), "a packaged object");
    return new FakeObject(this, name, Arrays.equals(elf, atomics) ? BpfObjects.TC_FLOW
        : BpfObjects.TC_FLOW_NO_ATOMICS);
  }

  @Override
  public BpfObject open(Path path) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Support probeMapType(int mapType) {
    return Support.YES;
  }

  @Override
  public Support probeProgramType(int programType) {
    return Support.YES;
  }

  @Override
  public Support probeHelper(int programType, int helperId) {
    return Support.YES;
  }

  @Override
  public Support probeTcx() {
    return tcx ? Support.YES : Support.NO;
  }

  @Override
  public boolean removeLegacyTc(TcHook hook, String program) {
    assertTrue(program.startsWith("hm_tc_"), program);
    return legacyFilters.remove(hook.interfaceName() + " " + hook.direction());
  }

  @Override
  public List<String> tcxPrograms(TcHook hook) {
    return attached.stream().filter(a -> a.startsWith("tcx ") && a.endsWith(" " + hook.interfaceName()))
        .map(a -> a.split(" ")[1]).filter(p -> p.contains(hook.direction().name().toLowerCase())).toList();
  }

  @Override
  public int possibleCpus() {
    return 2;
  }

  private static BpfLink link(String description) {
    return new BpfLink() {
      @Override
      public String description() {
        return description;
      }

      @Override
      public void close() {}
    };
  }

  private record FakeObject(FakeTcKernel kernel, String name, String object) implements BpfObject {
    @Override
    public void setRodata(String variable, byte[] value) {
      kernel.rodata.put(variable, value.clone());
    }

    @Override
    public void setMapMaxEntries(String map, int maxEntries) {}

    @Override
    public void reuseMap(String map, BpfMap existing) {
      kernel.reused.add(map + " <- " + existing.name());
    }

    @Override
    public void setProgramAttachType(String program, int attachType) {}

    @Override
    public void setProgramAutoload(String program, boolean autoload) {}

    @Override
    public void load() {
      if (kernel.before512 && object.equals(BpfObjects.TC_FLOW)) {
        throw new BpfException("bpf_object__load", 22, "BPF_STX uses reserved fields");
      }
      kernel.loaded.add(object);
    }

    @Override
    public BpfMap map(String map) {
      return new InMemoryBpfMap(map, 4, 8);
    }

    @Override
    public BpfLink attachTc(String program, TcHook hook) {
      kernel.legacyFilters.add(hook.interfaceName() + " " + hook.direction());
      kernel.attached.add("tc " + program + " " + hook.interfaceName());
      return link(program);
    }

    @Override
    public BpfLink attachTcx(String program, TcHook hook) {
      kernel.attached.add("tcx " + program + " " + hook.interfaceName());
      if (!kernel.tcx) {
        throw new BpfException("bpf(BPF_LINK_CREATE, tcx)", 22, "cannot attach '" + program + "' to tcx");
      }
      return link(program);
    }

    @Override
    public BpfLink attachUprobe(String program, UprobeTarget target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachUprobeMulti(String program, UprobeMultiTarget target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachTracepoint(String program, String category, String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public BpfLink attachTracing(String program) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RingBufferReader ringBuffer(String map) {
      return new IdleRingBuffer();
    }

    @Override
    public void close() {
      if (name.contains("anchor")) {
        kernel.closed++;
      }
    }
  }
}
