package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.AgentVersion;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.ConnectionEvents;
import io.hybridmesh.agent.datapath.ConnectionSweeper;
import io.hybridmesh.agent.datapath.DropCounters;
import io.hybridmesh.agent.datapath.EventHandler;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.datapath.TlsDatapath;
import io.hybridmesh.agent.datapath.TlsEvents;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.netns.NetworkNamespaces;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.tls.TlsLibraryWatch;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import com.google.protobuf.Timestamp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * connections) and the TLS uprobes (HTTP inside TLS), and sends flows to a sink until {@link #close()}.
 * Interfaces, addresses and TLS libraries that come and go are followed by a periodic rescan.
 */
public final class StandaloneAgent implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StandaloneAgent.class.getName());

  private final StandaloneOptions options;
  private final FlowSink sink;
  private final TcDatapath datapath;
  private final TlsDatapath tls;
  private final TlsLibraryWatch tlsLibraries;
  private final TlsEvents tlsEvents;
  private final StandaloneEndpoints endpoints;
  private final KernelClock.SystemClock clock = new KernelClock.SystemClock();
  private final EventPump pump;
  private final ConnectionSweeper sweeper;
  private final DropCounters drops;
  private final Map<String, NamespaceWatch> watches = new LinkedHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "hmesh-agent-housekeeping"));
  private final Thread pumpThread;
  private Timestamp lastDropPoll;
  private Map<String, Long> finalCounters;

  /**
   * Loads the programs and attaches them to every namespace that exists now.
   *
   * @throws IllegalArgumentException when none of the named namespaces can be watched
   */
  public StandaloneAgent(Bpf bpf, StandaloneOptions options, FlowSink sink) {
    this.options = options;
    this.sink = sink;
    this.endpoints = new StandaloneEndpoints(options.identities());
    this.datapath = new TcDatapath(bpf, BpfObjects.load(BpfObjects.TC_FLOW), options.tc());
    String version = AgentVersion.get();
    ConnectionEvents connections = new ConnectionEvents(
        new ConnectionFlowAssembler(options.nodeName(), version, endpoints, clock), sink);
    Map<Integer, EventHandler> handlers = new HashMap<>();
    handlers.put(HmAbi.EVENT_CONN, connections);

    this.tls = options.readTls() ? loadTls(bpf) : null;
    if (tls != null) {
      tlsLibraries = new TlsLibraryWatch(tls, new BinaryProber(), Path.of("/proc"));
      tlsEvents = new TlsEvents(new TlsConversations(16384, Duration.ofMinutes(5), Limits.DEFAULT),
          new L7FlowAssembler(options.nodeName(), version, endpoints, clock), sink);
      handlers.put(HmAbi.EVENT_TLS_DATA, tlsEvents);
    } else {
      tlsLibraries = null;
      tlsEvents = null;
    }
    this.pump = new EventPump(datapath.events(), handlers, 1 << 20);
    this.sweeper = new ConnectionSweeper(datapath.connections(), options.tc(), connections::deliver);
    this.drops = new DropCounters(datapath.stats(), datapath.possibleCpus());
    this.lastDropPoll = clock.toTimestamp(System.nanoTime());

    NetworkNamespaces netns = new NetworkNamespaces();
    NamespaceWatch.NetnsListener listener = new NamespaceWatch.NetnsListener() {
      @Override
      public void appeared(long inode, int endpointId) {
        if (tlsLibraries != null) {
          tlsLibraries.watch(inode, endpointId);
        }
      }

      @Override
      public void vanished(long inode) {
        if (tlsLibraries != null) {
          tlsLibraries.unwatch(inode);
        }
      }
    };
    int endpointId = 1;
    for (String name : options.namespaces()) {
      watches.put(name, new NamespaceWatch(name, endpointId++, netns, datapath, endpoints, listener));
    }
    watches.values().forEach(NamespaceWatch::refresh);
    if (watches.values().stream().noneMatch(NamespaceWatch::attached)) {
      this.pumpThread = null;
      close();
      throw new IllegalArgumentException("none of the network namespaces " + options.namespaces()
          + " could be watched; see the messages above");
    }
    if (tlsLibraries != null) {
      tlsLibraries.probeSystemLibraries();
      tlsLibraries.scan();
    }
    this.pumpThread = daemon(pump, "hmesh-agent-events");
  }

  /** The TLS programs, or null with a sentence on what is lost: L3/L4 goes on without them. */
  private TlsDatapath loadTls(Bpf bpf) {
    try {
      return new TlsDatapath(bpf, BpfObjects.load(BpfObjects.TLS_UPROBE), datapath.eventsMap(),
          datapath.stats(), options.tc().wakeupBytes());
    } catch (BpfException e) {
      LOG.warning("HTTP inside TLS cannot be read on this host (" + e.getMessage()
          + "); L3/L4 connection flows go on.");
      return null;
    }
  }

  /** Starts delivering flows. */
  public void start() {
    pumpThread.start();
    long rescanMs = options.rescanInterval().toMillis();
    scheduler.scheduleWithFixedDelay(guard(this::housekeeping), 1000, 1000, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(guard(this::rescan), rescanMs, rescanMs, TimeUnit.MILLISECONDS);
  }

  private void rescan() {
    watches.values().forEach(NamespaceWatch::refresh);
    if (tlsLibraries != null) {
      tlsLibraries.scan();
    }
  }

  private void housekeeping() {
    clock.resync();
    sweeper.sweep(System.nanoTime());
    Timestamp now = clock.toTimestamp(System.nanoTime());
    drops.poll(lastDropPoll, now).forEach(sink::lost);
    lastDropPoll = now;
  }

  /** Events the kernel could not put in the ring buffer (it was full), over all CPUs; for metrics. */
  public synchronized long kernelRingbufDrops() {
    return finalCounters != null ? finalCounters.get("events lost (ring buffer full)")
        : drops.total(HmAbi.STAT_RINGBUF_FULL);
  }

  /** TLS library files whose uprobes could not be attached at all (0 without TLS reading); for metrics. */
  public long probeAttachFailures() {
    return tlsLibraries == null ? 0 : tlsLibraries.attachFailures();
  }

  /** Counters for the summary at exit; after {@link #close()} the last values read. */
  public synchronized Map<String, Long> counters() {
    if (finalCounters != null) {
      return finalCounters;
    }
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("events", pump.events());
    c.put("malformed events", pump.malformed());
    c.put("events lost (ring buffer full)", drops.total(HmAbi.STAT_RINGBUF_FULL));
    c.put("packets seen", drops.total(HmAbi.STAT_PACKETS));
    c.put("truncated packets", drops.total(HmAbi.STAT_TRUNCATED));
    c.put("non-first fragments", drops.total(HmAbi.STAT_FRAGMENT));
    c.put("connection table full", drops.total(HmAbi.STAT_CONN_TABLE_FULL));
    c.put("ring buffer records too large", datapath.events().oversizedRecords());
    if (tlsEvents != null) {
      c.put("TLS calls", tlsEvents.calls());
      c.put("TLS calls without a socket", drops.total(HmAbi.STAT_TLS_NO_SOCKET));
      c.put("TLS calls that failed or moved nothing", drops.total(HmAbi.STAT_TLS_CALL_FAILED));
      c.put("TLS plaintext not parsed as HTTP/1.x", tlsEvents.unparsed());
    }
    return c;
  }

  /** Detaches everything this agent attached. Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (finalCounters != null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pumpThread != null && pumpThread.isAlive()) {
      pump.stop();
      try {
        pumpThread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    watches.values().forEach(NamespaceWatch::detachAll);
    finalCounters = counters();
    if (tls != null) {
      tls.close();
    }
    datapath.close();
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

  /** Who the flows' endpoints are; the demo names its unwatched peers here. */
  public StandaloneEndpoints endpoints() {
    return endpoints;
  }

  List<String> attachments() {
    return watches.values().stream().flatMap(w -> w.describe().stream()).toList();
  }
}
