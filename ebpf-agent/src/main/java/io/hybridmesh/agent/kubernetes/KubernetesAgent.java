package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.agent.AgentVersion;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.netns.NetworkNamespaces;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.runtime.AgentStats;
import io.hybridmesh.agent.runtime.NodeDatapath;
import io.hybridmesh.jni.Bpf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent as a DaemonSet pod (host PID and network namespaces, privileged): writes this node's
 * NodeCapability, probes the node's container processes and annotates their pods, attaches the data path to
 * the pods whose workload's report says EBPF (and detaches it when that changes), and names flows from the
 * pod directory. Runs until {@link #close()}; an API server that is away is retried, never fatal.
 */
public final class KubernetesAgent implements AgentStats, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(KubernetesAgent.class.getName());

  private final KubernetesOptions options;
  private final PodDirectory directory = new PodDirectory();
  private final NodeDatapath node;
  private final ClusterWatch cluster;
  private final NodeCapabilityWriter capability;
  private final PodProbeAnnotator annotator;
  private final PodDatapaths pods;
  private final ObservedPortsWriter observedPorts;
  private final Path proc;
  private final long hostNetns;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hmesh-agent-housekeeping"));
  private final ScheduledExecutorService apiWriter =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hmesh-agent-nodecapability"));
  private boolean closed;

  /** Loads the programs; nothing is attached and nothing written until {@link #start()}. */
  public KubernetesAgent(Bpf bpf, KubernetesClient client, KubernetesOptions options, NodeReport report,
      FlowSink sink) {
    this(bpf, client, options, report, sink, true);
  }

  /**
   * @param selectPodsByField false against fabric8's mock API server, which answers a {@code spec.nodeName}
   *     field selector with nothing; this node's pods are then kept by the agent's own check
   */
  public KubernetesAgent(Bpf bpf, KubernetesClient client, KubernetesOptions options, NodeReport report,
      FlowSink sink, boolean selectPodsByField) {
    Path proc = Path.of("/proc");
    this.options = options;
    this.proc = proc;
    this.node = new NodeDatapath(bpf, options.nodeName(), options.tc(), options.readTls(), options.tlsHooks(),
        options.plaintext(), directory, sink);
    this.cluster = new ClusterWatch(client, options.nodeName(), directory, this::rescanSoon, selectPodsByField);
    this.capability = new NodeCapabilityWriter(client, options.nodeName(),
        node.readsPlaintext() ? NodeCapabilities.withPlaintext(report)
            : node.readsPlaintextAtTc() ? NodeCapabilities.withPlaintextAtTc(report) : report, AgentVersion.get(),
        options.heartbeat(), Clock.systemUTC());
    this.annotator = new PodProbeAnnotator(client, cluster, directory, new ContainerProcesses(proc),
        new BinaryProber(proc, 8192), proc, options.probeEntry());
    this.pods = new PodDatapaths(node.tc(), node.namespaces(), directory, new NetworkNamespaces(), proc);
    this.observedPorts = new ObservedPortsWriter(client, cluster, node.ports());
    this.hostNetns = inode(proc.resolve("1/ns/net"));
  }

  /** Starts the informers, the NodeCapability heartbeat, the rescans and the event thread. */
  public void start() {
    node.start();
    cluster.start();
    capability.start(apiWriter);
    if (node.tlsLibraries() != null) {
      node.tlsLibraries().probeSystemLibraries();
    }
    long rescanMs = options.rescanInterval().toMillis();
    scheduler.scheduleWithFixedDelay(guard(node::housekeeping), 1000, 1000, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(guard(this::rescan), 0, rescanMs, TimeUnit.MILLISECONDS);
  }

  /** A report changed: look again now rather than at the next rescan. */
  private void rescanSoon() {
    if (!scheduler.isShutdown()) {
      try {
        scheduler.execute(guard(this::rescan));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void rescan() {
    List<PodProcesses.Match> matches = annotator.scan();
    pods.apply(DataPathPlan.plan(matches, cluster.dataPaths(), hostNetns));
    observedPorts.write(pods.endpointIds());
    if (node.tlsLibraries() != null) {
      node.tlsLibraries().scan();
    }
  }

  /** The pods with the eBPF data path now ({@code namespace/name}). */
  public List<String> observedPods() {
    return pods.pods();
  }

  public List<String> attachments() {
    return pods.attachments();
  }

  public PodDirectory directory() {
    return directory;
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
    Map<String, Long> c = new LinkedHashMap<>(node.counters());
    c.put("pods observed", (long) pods.pods().size());
    c.put("observed-ports annotations written", observedPorts.patches());
    c.put("observed-ports annotations that could not be written", observedPorts.patchFailures());
    c.put("probe annotations written", annotator.patches());
    c.put("probe annotations not written (API errors)", annotator.patchFailures());
    c.put("container processes without a pod", annotator.unmatchedContainers());
    c.put("NodeCapability writes", capability.writes());
    return c;
  }

  /** Detaches everything and stops the informers. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ScheduledExecutorService s : List.of(scheduler, apiWriter)) {
      s.shutdownNow();
      try {
        s.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cluster.close();
    node.stopEvents();
    pods.close();
    node.close();
  }

  private static long inode(Path p) {
    try {
      return Files.getAttribute(p, "unix:ino") instanceof Long l ? l : -1;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return -1;
    }
  }

  private static Runnable guard(Runnable r) {
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
}
