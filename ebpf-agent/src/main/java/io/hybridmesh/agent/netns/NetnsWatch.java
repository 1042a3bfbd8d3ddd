package io.hybridmesh.agent.netns;

import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.jni.BpfException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * One watched network namespace, wherever its file is (a name under /run/netns in standalone mode, a pod's
 * {@code /proc/<pid>/ns/net} in Kubernetes mode): keeps the TC programs attached to each of its interfaces
 * as they come and go, and tells the listener its addresses. A namespace whose file now names another
 * namespace (a new inode: deleted and created again, or a restarted container) is a new namespace: its old
 * attachments are gone with it.
 */
public final class NetnsWatch {

  private static final Logger LOG = Logger.getLogger(NetnsWatch.class.getName());

  private final String label;
  private final int endpointId;
  private final Source source;
  private final TcDatapath datapath;
  private final Listener listener;
  private final Map<String, TcDatapath.Attachment> attached = new HashMap<>();
  private Object namespaceIdentity;
  private String lastProblem;

  /** Where the namespace is and what interfaces it has now. */
  public interface Source {
    /** The namespace file; an exception (with a sentence) when it is not there. */
    Path path() throws IOException;

    /** Its interfaces, loopback excluded. */
    List<NetworkInterface> interfaces(Path path) throws IOException;
  }

  /** Told when a namespace (by inode number) starts or stops being this endpoint, and of its interfaces. */
  public interface Listener {
    void appeared(long inode, int endpointId);

    void vanished(long inode);

    void interfaces(int endpointId, List<NetworkInterface> interfaces);
  }

  /** @param label how log lines name the namespace ("network namespace blue", "pod shop/web-0") */
  public NetnsWatch(String label, int endpointId, Source source, TcDatapath datapath, Listener listener) {
    this.label = label;
    this.endpointId = endpointId;
    this.source = source;
    this.datapath = datapath;
    this.listener = listener;
  }

  /** A named namespace, as {@code ip netns} keeps it. */
  public static Source named(NetworkNamespaces netns, String name) {
    return new Source() {
      @Override
      public Path path() {
        return netns.pathOf(name);
      }

      @Override
      public List<NetworkInterface> interfaces(Path path) throws IOException {
        return netns.interfaces(name);
      }
    };
  }

  public int endpointId() {
    return endpointId;
  }

  public synchronized boolean attached() {
    return !attached.isEmpty();
  }

  public synchronized List<String> describe() {
    List<String> out = new ArrayList<>();
    attached.values().forEach(a -> out.addAll(a.describe()));
    return out;
  }

  /** Looks at the namespace again and attaches to, or detaches from, what changed. */
  public synchronized void refresh() {
    Path path;
    List<NetworkInterface> interfaces;
    try {
      path = source.path();
      Object identity = Files.getAttribute(path, "unix:ino");
      if (namespaceIdentity != null && !Objects.equals(identity, namespaceIdentity)) {
        LOG.info(() -> label + " has a new network namespace; attaching anew");
        detachAll();
      }
      if (!Objects.equals(identity, namespaceIdentity) && identity instanceof Long inode) {
        listener.appeared(inode, endpointId);
      }
      namespaceIdentity = identity;
      interfaces = source.interfaces(path);
    } catch (IllegalArgumentException | IOException | UnsupportedOperationException | SecurityException e) {
      report(label + ": " + e.getMessage());
      if (!attached.isEmpty() || namespaceIdentity != null) {
        detachAll();
      }
      return;
    }
    listener.interfaces(endpointId, interfaces);
    List<String> present = interfaces.stream().map(NetworkInterface::name).toList();
    attached.keySet().removeIf(ifname -> {
      if (present.contains(ifname)) {
        return false;
      }
      LOG.info(() -> "interface " + ifname + " left " + label + "; detached");
      attached.get(ifname).close();
      return true;
    });
    if (interfaces.isEmpty()) {
      report(label + " has no interface besides loopback yet; watching for one");
    }
    for (NetworkInterface i : interfaces) {
      if (attached.containsKey(i.name())) {
        continue;
      }
      try {
        TcDatapath.Attachment a = datapath.attach(endpointId, path, i.name(), i.l2HeaderLength());
        attached.put(i.name(), a);
        lastProblem = null;
        LOG.info(() -> "watching " + i.name() + " in " + label);
      } catch (BpfException e) {
        report("cannot attach to " + i.name() + " in " + label + ": " + e.getMessage());
      }
    }
  }

  public synchronized void detachAll() {
    attached.values().forEach(TcDatapath.Attachment::close);
    attached.clear();
    if (namespaceIdentity instanceof Long inode) {
      listener.vanished(inode);
    }
    namespaceIdentity = null;
  }

  /** Logs a problem once, not at every rescan. */
  private void report(String problem) {
    if (!problem.equals(lastProblem)) {
      LOG.warning(problem);
      lastProblem = problem;
    }
  }
}
