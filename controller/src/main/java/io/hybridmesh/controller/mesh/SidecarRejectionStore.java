package io.hybridmesh.controller.mesh;

import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.server.SidecarRejection;
import io.hybridmesh.xds.server.SidecarRejections;
import io.hybridmesh.xds.validate.ConfigProblem;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * What became of each workload's sidecar configuration, for the status writer to put into its report:
 * the sidecars' latest rejections (Envoy's NACKs, recorded by the xDS server on gRPC threads: quick, never
 * throws) and the configurations the controller itself refused to publish because they failed the check
 * against the sidecars' bootstrap (recorded by the publisher). Listeners are told which workload changed
 * so that its reconcile runs and writes the status in the one place it is written.
 */
public final class SidecarRejectionStore implements SidecarRejections {

  /** How many of a refusal's problems its message quotes; the rest are counted. */
  static final int QUOTED_PROBLEMS = 3;

  private final Map<String, SidecarRejection> latest = new ConcurrentHashMap<>();
  private final Map<SidecarGroup, List<ConfigProblem>> refused = new ConcurrentHashMap<>();
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

  /**
   * The groups the latest publication refused, with why; groups not in it passed (or left) and are cleared.
   * Only groups whose answer changed are notified, so an unchanged model every few seconds wakes nobody.
   */
  public synchronized void refusedInLatestPublication(Map<SidecarGroup, List<ConfigProblem>> invalid) {
    Set<SidecarGroup> changed = new HashSet<>();
    for (SidecarGroup g : Set.copyOf(refused.keySet())) {
      if (!invalid.containsKey(g)) {
        refused.remove(g);
        changed.add(g);
      }
    }
    invalid.forEach((g, problems) -> {
      if (!problems.equals(refused.put(g, List.copyOf(problems)))) {
        changed.add(g);
      }
    });
    changed.forEach(this::notify);
  }

  /**
   * Why the controller refused to publish the workload's latest configuration, and what to do, or null when
   * it published it. The same text goes into the report's reason and the Warning Event.
   */
  public String refusal(String namespace, String workload) {
    List<ConfigProblem> problems = refused.get(new SidecarGroup(namespace, workload));
    if (problems == null) {
      return null;
    }
    StringBuilder m = new StringBuilder("The controller did not publish this workload's new sidecar configuration:"
        + " checked against the bootstrap its sidecars start from, it has " + problems.size() + " problem"
        + (problems.size() == 1 ? "" : "s") + ": ");
    problems.stream().limit(QUOTED_PROBLEMS).forEach(p -> m.append(p.message()).append(' '));
    if (problems.size() > QUOTED_PROBLEMS) {
      m.append("(and ").append(problems.size() - QUOTED_PROBLEMS).append(" more in the controller's log) ");
    }
    return m.append("The sidecars keep the last configuration that passed (none, if none ever did). This is a "
        + "mismatch between the controller's configuration and the bootstrap in the pod template, not something "
        + "in the workload: run one controller version in every replica, restart the workload's pods so they "
        + "start from the current bootstrap (kubectl rollout restart), and if it persists report this message.")
        .toString();
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
