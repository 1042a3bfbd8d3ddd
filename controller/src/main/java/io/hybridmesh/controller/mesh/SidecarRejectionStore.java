package io.hybridmesh.controller.mesh;

import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.server.SidecarRejection;
import io.hybridmesh.xds.server.SidecarRejections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The sidecars' latest rejections, by workload, for the status writer to put into the workload's report.
 * The xDS server records here (on gRPC threads: quick, never throws); listeners are told which workload
 * changed so that its reconcile runs and writes the status in the one place it is written.
 */
public final class SidecarRejectionStore implements SidecarRejections {

  private final Map<String, SidecarRejection> latest = new ConcurrentHashMap<>();
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong rejections = new AtomicLong();

  /** Called with (namespace, workload) whenever that workload's answer changes. */
  public void onChange(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  @Override
  public void rejected(SidecarRejection r) {
    rejections.incrementAndGet();
    latest.put(key(r.group()), r);
    notify(r.group());
  }

  @Override
  public void recovered(String nodeId, SidecarGroup group, String typeUrl, String version) {
    if (latest.remove(key(group)) != null) {
      notify(group);
    }
  }

  /** Envoy's words for the workload's last rejected configuration, or null when it took the last one. */
  public String rejection(String namespace, String workload) {
    SidecarRejection r = latest.get(namespace + "/" + workload);
    if (r == null) {
      return null;
    }
    String type = r.typeUrl().substring(r.typeUrl().lastIndexOf('.') + 1);
    return "The sidecar " + r.nodeId() + " rejected its " + type + " configuration (version " + r.version()
        + "): " + r.message() + ".";
  }

  /** Rejections since start, for metrics. */
  public long total() {
    return rejections.get();
  }

  private void notify(SidecarGroup g) {
    for (BiConsumer<String, String> l : listeners) {
      try {
        l.accept(g.namespace(), g.workload());
      } catch (RuntimeException e) {
        // A listener must not break the xDS server's thread.
      }
    }
  }

  private static String key(SidecarGroup g) {
    return g.namespace() + "/" + g.workload();
  }
}
