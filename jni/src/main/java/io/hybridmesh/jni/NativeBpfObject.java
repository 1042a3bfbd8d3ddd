package io.hybridmesh.jni;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A libbpf {@code bpf_object}. It owns the native handle, the maps handed out and every link and ring
 * buffer reader made from it, so that closing it can release them first and no handle outlives it.
 */
final class NativeBpfObject implements BpfObject {

  private final String name;
  private final Object lock = new Object();
  private final Map<String, NativeBpfMap> maps = new HashMap<>();
  private final List<NativeBpfLink> links = new ArrayList<>();
  private final List<NativeRingBufferReader> readers = new ArrayList<>();
  private volatile long handle;

  NativeBpfObject(long handle) {
    this.handle = handle;
    this.name = Native.objectName(handle);
  }

  /** The live handle; throws rather than hand a freed pointer to native code. */
  long handle() {
    long h = handle;
    if (h == 0) {
      throw new IllegalStateException("BPF object '" + name + "' is closed");
    }
    return h;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void setRodata(String variable, byte[] value) {
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(value, "value");
    synchronized (lock) {
      Native.setRodata(handle(), variable, value);
    }
  }

  @Override
  public void setMapMaxEntries(String map, int maxEntries) {
    Objects.requireNonNull(map, "map");
    synchronized (lock) {
      Native.setMapMaxEntries(handle(), map, maxEntries);
    }
  }

  @Override
  public void reuseMap(String map, BpfMap existing) {
    Objects.requireNonNull(map, "map");
    Objects.requireNonNull(existing, "existing");
    synchronized (lock) {
      Native.reuseMap(handle(), map, existing.fd());
    }
  }

  @Override
  public void setProgramAttachType(String program, int attachType) {
    Objects.requireNonNull(program, "program");
    synchronized (lock) {
      Native.setProgramAttachType(handle(), program, attachType);
    }
  }

  @Override
  public void setProgramAutoload(String program, boolean autoload) {
    Objects.requireNonNull(program, "program");
    synchronized (lock) {
      Native.setProgramAutoload(handle(), program, autoload);
    }
  }

  @Override
  public void load() {
    synchronized (lock) {
      Native.load(handle());
    }
  }

  @Override
  public BpfMap map(String mapName) {
    Objects.requireNonNull(mapName, "map");
    synchronized (lock) {
      long h = handle();
      NativeBpfMap map = maps.get(mapName);
      if (map == null) {
        map = new NativeBpfMap(this, Native.findMap(h, mapName));
        maps.put(mapName, map);
      }
      return map;
    }
  }

  @Override
  public BpfLink attachTc(String program, TcHook hook) {
    Objects.requireNonNull(hook, "hook");
    boolean ingress = hook.direction() == TcHook.Direction.INGRESS;
    String netns = hook.netns() == null ? null : hook.netns().toString();
    return attach(
        program,
        NativeBpfLink.describeTc(hook),
        p -> Native.attachTc(p, netns, hook.interfaceName(), ingress, hook.handle(), hook.priority()));
  }

  @Override
  public BpfLink attachTcx(String program, TcHook hook) {
    Objects.requireNonNull(hook, "hook");
    boolean ingress = hook.direction() == TcHook.Direction.INGRESS;
    String netns = hook.netns() == null ? null : hook.netns().toString();
    return attach(program, "tcx " + NativeBpfLink.describeTc(hook).substring("tc ".length()),
        p -> Native.attachTcx(p, netns, hook.interfaceName(), ingress));
  }

  @Override
  public BpfLink attachUprobe(String program, UprobeTarget target) {
    Objects.requireNonNull(target, "target");
    return attach(
        program,
        NativeBpfLink.describeUprobe(target),
        p ->
            Native.attachUprobe(
                p,
                target.binary().toString(),
                target.symbol(),
                target.offset(),
                target.returnProbe(),
                target.pid()));
  }

  @Override
  public BpfLink attachUprobeMulti(String program, UprobeMultiTarget target) {
    Objects.requireNonNull(target, "target");
    return attach(program, target.toString(), p -> Native.attachUprobeMulti(p, target.binary().toString(),
        target.offsets(), target.cookies(), target.kind().ordinal(), target.pid()));
  }

  @Override
  public BpfLink attachTracepoint(String program, String category, String tracepoint) {
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(tracepoint, "name");
    return attach(
        program,
        "tracepoint " + category + "/" + tracepoint + " (" + program + ")",
        p -> Native.attachTracepoint(p, category, tracepoint));
  }

  @Override
  public BpfLink attachTracing(String program) {
    return attach(program, "tracing " + program, Native::attachTracing);
  }

  private interface Attacher {
    long attach(long program);
  }

  private BpfLink attach(String program, String description, Attacher attacher) {
    Objects.requireNonNull(program, "program");
    synchronized (lock) {
      long linkHandle = attacher.attach(Native.findProgram(handle(), program));
      NativeBpfLink link = new NativeBpfLink(this, linkHandle, description);
      links.add(link);
      return link;
    }
  }

  @Override
  public RingBufferReader ringBuffer(String mapName) {
    NativeBpfMap map = (NativeBpfMap) map(mapName);
    synchronized (lock) {
      NativeRingBufferReader reader = new NativeRingBufferReader(this, Native.ringOpen(map.pointer()));
      readers.add(reader);
      return reader;
    }
  }

  void forget(NativeBpfLink link) {
    synchronized (lock) {
      links.remove(link);
    }
  }

  void forget(NativeRingBufferReader reader) {
    synchronized (lock) {
      readers.remove(reader);
    }
  }

  /** Readers and links first: they point into the object's maps and programs. */
  @Override
  public void close() {
    List<AutoCloseable> owned;
    synchronized (lock) {
      if (handle == 0) {
        return;
      }
      owned = new ArrayList<>(readers);
      owned.addAll(links);
    }
    RuntimeException failure = null;
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new BpfException("close", 0, "object '" + name + "': a link did not detach cleanly");
        }
        failure.addSuppressed(e);
      }
    }
    synchronized (lock) {
      long h = handle;
      handle = 0;
      maps.clear();
      if (h != 0) {
        Native.closeObject(h);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "BpfObject[" + name + (handle == 0 ? ", closed]" : "]");
  }
}
