package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.netns.NetnsWatch;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.netns.NetworkNamespaces;
import io.hybridmesh.agent.runtime.WatchedNamespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The pods that have the eBPF data path now: one {@link NetnsWatch} per pod, on its network namespace through
 * {@code /proc/<mainpid>/ns/net}, with the TLS uprobes and the plaintext socket hooks scoped to that namespace's
 * inode and the pod bound to the watch's endpoint id in the {@link PodDirectory}. Brought to a plan by {@link #apply}: pods that left
 * the plan (the report changed away from EBPF, or the pod went) are detached.
 */
public final class PodDatapaths implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PodDatapaths.class.getName());

  private final TcDatapath tc;
  private final WatchedNamespaces watchedNetns;
  private final PodDirectory directory;
  private final NetworkNamespaces netns;
  private final Path proc;
  private final Map<String, Watched> watched = new HashMap<>();
  private int nextEndpointId = 1;

  private static final class Watched {
    final NetnsWatch watch;
    volatile DataPathPlan.Target target;

    Watched(NetnsWatch watch, DataPathPlan.Target target) {
      this.watch = watch;
      this.target = target;
    }
  }

  public PodDatapaths(TcDatapath tc, WatchedNamespaces watchedNetns, PodDirectory directory,
      NetworkNamespaces netns, Path proc) {
    this.tc = tc;
    this.watchedNetns = watchedNetns;
    this.directory = directory;
    this.netns = netns;
    this.proc = proc;
  }

  /** Detaches what left the plan, attaches what joined it, and refreshes every watched pod's interfaces. */
  public synchronized void apply(Map<String, DataPathPlan.Target> plan) {
    watched.entrySet().removeIf(e -> {
      DataPathPlan.Target now = plan.get(e.getKey());
      if (now != null && now.netnsInode() == e.getValue().target.netnsInode()) {
        e.getValue().target = now; // same namespace, maybe through another process: keep the attachments
        return false;
      }
      LOG.info(() -> "pod " + e.getKey() + (now == null ? " no longer has the eBPF data path" : " has a new "
          + "network namespace") + "; detaching");
      stop(e.getValue());
      return true;
    });
    plan.forEach((key, target) -> watched.computeIfAbsent(key, k -> start(k, target)));
    watched.values().forEach(w -> w.watch.refresh());
  }

  private Watched start(String key, DataPathPlan.Target target) {
    int endpointId = nextEndpointId++;
    directory.bindEndpointId(endpointId, target.namespace(), target.pod());
    Watched[] self = new Watched[1];
    NetnsWatch.Source source = new NetnsWatch.Source() {
      @Override
      public Path path() {
        return proc.resolve(Long.toString(self[0].target.mainPid())).resolve("ns/net");
      }

      @Override
      public List<NetworkInterface> interfaces(Path path) throws IOException {
        return netns.interfacesAt(path);
      }
    };
    NetnsWatch.Listener listener = new NetnsWatch.Listener() {
      @Override
      public void appeared(long inode, int id) {
        watchedNetns.watch(inode, id);
      }

      @Override
      public void vanished(long inode) {
        watchedNetns.unwatch(inode);
      }

      @Override
      public void interfaces(int id, List<NetworkInterface> interfaces) {
        // Pods are named by their IPs from the API server; interfaces need no bookkeeping here.
      }
    };
    self[0] = new Watched(new NetnsWatch("pod " + key, endpointId, source, tc, listener), target);
    LOG.info(() -> "pod " + key + " has the eBPF data path; attaching in its network namespace");
    return self[0];
  }

  private void stop(Watched w) {
    w.watch.detachAll();
    directory.unbindEndpointId(w.watch.endpointId());
  }

  /** The endpoint id of each pod watched now, by pod key. */
  public synchronized Map<String, Integer> endpointIds() {
    Map<String, Integer> ids = new java.util.TreeMap<>();
    watched.forEach((key, w) -> ids.put(key, w.watch.endpointId()));
    return ids;
  }

  /** Keys of the pods watched now, sorted. */
  public synchronized List<String> pods() {
    return watched.keySet().stream().sorted().toList();
  }

  public synchronized List<String> attachments() {
    return watched.values().stream().flatMap(w -> w.watch.describe().stream()).toList();
  }

  @Override
  public synchronized void close() {
    watched.values().forEach(this::stop);
    watched.clear();
  }
}
