package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.netns.NetnsWatch;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.netns.NetworkNamespaces;
import io.hybridmesh.agent.runtime.AgentStats;
import io.hybridmesh.agent.runtime.NodeDatapath;
import io.hybridmesh.agent.runtime.WatchedNamespaces;
import io.hybridmesh.agent.tls.TlsProcessWatch;
import io.hybridmesh.jni.Bpf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent on a plain Linux host: watches named network namespaces with the TC programs (L3/L4
 * connections), the TLS uprobes (HTTP inside TLS) and the socket hooks (plaintext HTTP), and sends flows to
 * a sink until {@link #close()}.
 * Interfaces, addresses and TLS libraries that come and go are followed by a periodic rescan.
 */
public final class StandaloneAgent implements AgentStats, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StandaloneAgent.class.getName());

  private final StandaloneOptions options;
  private final StandaloneEndpoints endpoints;
  private final NodeDatapath node;
  private final Map<String, NetnsWatch> watches = new LinkedHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hmesh-agent-housekeeping"));
  private boolean closed;

  /**
   * Loads the programs and attaches them to every namespace that exists now.
   *
   * @throws IllegalArgumentException when none of the named namespaces can be watched
   */
  public StandaloneAgent(Bpf bpf, StandaloneOptions options, FlowSink sink) {
    this.options = options;
    this.endpoints = new StandaloneEndpoints(options.identities());
    this.node = new NodeDatapath(bpf, options.nodeName(), options.tc(), options.readTls(), options.tlsHooks(),
        options.plaintext(), endpoints, sink);
    TlsProcessWatch tlsLibraries = node.tlsLibraries();
    WatchedNamespaces watched = node.namespaces();
    NetworkNamespaces netns = new NetworkNamespaces();
    int endpointId = 1;
    for (String name : options.namespaces()) {
      NetnsWatch.Listener listener = new NetnsWatch.Listener() {
        @Override
        public void appeared(long inode, int id) {
          watched.watch(inode, id);
        }

        @Override
        public void vanished(long inode) {
          watched.unwatch(inode);
        }

        @Override
        public void interfaces(int id, List<NetworkInterface> interfaces) {
          endpoints.update(id, name, interfaces);
        }
      };
      watches.put(name, new NetnsWatch("network namespace " + name, endpointId++, NetnsWatch.named(netns, name),
          node.tc(), listener));
    }
    watches.values().forEach(NetnsWatch::refresh);
    if (watches.values().stream().noneMatch(NetnsWatch::attached)) {
      close();
      throw new IllegalArgumentException("none of the network namespaces " + options.namespaces()
          + " could be watched; see the messages above");
    }
    if (tlsLibraries != null) {
      tlsLibraries.probeSystemLibraries();
      tlsLibraries.scan();
    }
  }

  /** Starts delivering flows. */
  public void start() {
    node.start();
    long rescanMs = options.rescanInterval().toMillis();
    scheduler.scheduleWithFixedDelay(guard(node::housekeeping), 1000, 1000, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(guard(this::rescan), rescanMs, rescanMs, TimeUnit.MILLISECONDS);
  }

  private void rescan() {
    watches.values().forEach(NetnsWatch::refresh);
    if (node.tlsLibraries() != null) {
      node.tlsLibraries().scan();
    }
  }

  /** Whether this process carries TLS probes now (they are scoped to watched processes). */
  public boolean tlsProbesOn(int pid) {
    return node.tlsLibraries() != null && node.tlsLibraries().probes(pid);
  }

  /** The files whose TLS functions carry probes in this process now (paths inside its root). */
  public List<String> tlsProbedFiles(int pid) {
    return node.tlsLibraries() == null ? List.of() : node.tlsLibraries().probedFiles(pid);
  }

  @Override
  public long kernelRingbufDrops() {
    return node.kernelRingbufDrops();
  }

  @Override
  public long connectionsSeenMidstream() {
    return node.connectionsSeenMidstream();
  }

  @Override
  public long probeAttachFailures() {
    return node.probeAttachFailures();
  }

  @Override
  public Map<String, Long> counters() {
    return node.counters();
  }

  /** Detaches everything this agent attached. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    node.stopEvents();
    watches.values().forEach(NetnsWatch::detachAll);
    node.close();
  }

  static Runnable guard(Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "housekeeping failed: " + e.getMessage(), e);
      }
    };
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Whether plaintext HTTP is read at the watched namespaces' sockets. */
  /** Sockets the plaintext hooks hold a verdict for now (-1 when plaintext is not read): live ones only. */
  public long socketVerdicts() {
    io.hybridmesh.jni.BpfMap states = node.sockStates();
    if (states == null) {
      return -1;
    }
    long n = 0;
    for (byte[] key = states.nextKey(null); key != null && n <= states.maxEntries(); key = states.nextKey(key)) {
      n++;
    }
    return n;
  }

  public boolean readsPlaintext() {
    return node.readsPlaintext();
  }

  /** Who the flows' endpoints are; the demo names its unwatched peers here. */
  public StandaloneEndpoints endpoints() {
    return endpoints;
  }

  List<String> attachments() {
    return watches.values().stream().flatMap(w -> w.describe().stream()).toList();
  }
}
