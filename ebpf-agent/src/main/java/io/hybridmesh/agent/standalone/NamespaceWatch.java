package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.netns.NetworkNamespaces;
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
 * One watched network namespace: keeps the TC programs attached to each of its interfaces as they come
 * and go, and tells the endpoint table its addresses. A namespace that is deleted and created again under
 * the same name (a new inode) is a new namespace: its old attachments are gone with it.
 */
final class NamespaceWatch {

  private static final Logger LOG = Logger.getLogger(NamespaceWatch.class.getName());

  private final String name;
  private final int endpointId;
  private final NetworkNamespaces netns;
  private final TcDatapath datapath;
  private final StandaloneEndpoints endpoints;
  private final NetnsListener listener;
  private final Map<String, TcDatapath.Attachment> attached = new HashMap<>();
  private Object namespaceIdentity;
  private String lastProblem;

  /** Told when a namespace (by inode number) starts or stops being this endpoint. */
  interface NetnsListener {
    void appeared(long inode, int endpointId);

    void vanished(long inode);
  }

  NamespaceWatch(String name, int endpointId, NetworkNamespaces netns, TcDatapath datapath,
      StandaloneEndpoints endpoints, NetnsListener listener) {
    this.name = name;
    this.endpointId = endpointId;
    this.netns = netns;
    this.datapath = datapath;
    this.endpoints = endpoints;
    this.listener = listener;
  }

  synchronized boolean attached() {
    return !attached.isEmpty();
  }

  synchronized List<String> describe() {
    List<String> out = new ArrayList<>();
    attached.values().forEach(a -> out.addAll(a.describe()));
    return out;
  }

  /** Looks at the namespace again and attaches to, or detaches from, what changed. */
  synchronized void refresh() {
    Path path;
    List<NetworkInterface> interfaces;
    try {
      path = netns.pathOf(name);
      Object identity = Files.getAttribute(path, "unix:ino");
      if (namespaceIdentity != null && !Objects.equals(identity, namespaceIdentity)) {
        LOG.info(() -> "network namespace " + name + " was created again; attaching anew");
        detachAll();
      }
      if (!Objects.equals(identity, namespaceIdentity) && identity instanceof Long inode) {
        listener.appeared(inode, endpointId);
      }
      namespaceIdentity = identity;
      interfaces = netns.interfaces(name);
    } catch (IllegalArgumentException | IOException | UnsupportedOperationException e) {
      report(e.getMessage());
      if (!attached.isEmpty() || namespaceIdentity != null) {
        detachAll();
      }
      return;
    }
    endpoints.update(endpointId, name, interfaces);
    List<String> present = interfaces.stream().map(NetworkInterface::name).toList();
    attached.keySet().removeIf(ifname -> {
      if (present.contains(ifname)) {
        return false;
      }
      LOG.info(() -> "interface " + ifname + " left network namespace " + name + "; detached");
      attached.get(ifname).close();
      return true;
    });
    if (interfaces.isEmpty()) {
      report("network namespace " + name + " has no interface besides loopback yet; watching for one");
    }
    for (NetworkInterface i : interfaces) {
      if (attached.containsKey(i.name())) {
        continue;
      }
      try {
        TcDatapath.Attachment a = datapath.attach(endpointId, path, i.name(), i.l2HeaderLength());
        attached.put(i.name(), a);
        lastProblem = null;
        LOG.info(() -> "watching " + i.name() + " in network namespace " + name);
      } catch (BpfException e) {
        report("cannot attach to " + i.name() + " in network namespace " + name + ": " + e.getMessage());
      }
    }
  }

  synchronized void detachAll() {
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
