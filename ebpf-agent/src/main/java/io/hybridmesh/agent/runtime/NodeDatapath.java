package io.hybridmesh.agent.runtime;

import io.hybridmesh.agent.AgentVersion;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.ProcessEvent;
import io.hybridmesh.agent.datapath.BacklogYieldPolicy;
import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.ConnectionEvents;
import io.hybridmesh.agent.datapath.ConnectionLedger;
import io.hybridmesh.agent.datapath.ConnectionSweeper;
import io.hybridmesh.agent.datapath.DropCounters;
import io.hybridmesh.agent.datapath.EventHandler;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.datapath.EventThreadYield;
import io.hybridmesh.agent.datapath.PlaintextDatapath;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.PortObservations;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.datapath.TcHttpExchanges;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.TlsDatapath;
import io.hybridmesh.agent.datapath.TlsEvents;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TcHttpFlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.tls.ProcProcessView;
import io.hybridmesh.agent.tls.TlsProcessWatch;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.ThreadScheduling;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import com.google.protobuf.Timestamp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The node's kernel side, shared by both modes: the TC programs and their event ring, the optional TLS
 * uprobes and plaintext socket hooks, the event pump, the connection sweeper and the drop counters. What it
 * watches (named network namespaces, or pods) is the mode's business: it attaches through {@link #tc()} and
 * {@link #namespaces()}.
 */
public final class NodeDatapath implements AgentStats, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeDatapath.class.getName());

  private final TcSettings settings;
  private final FlowSink sink;
  private final TcDatapath datapath;
  private final TlsDatapath tls;
  private final TlsProcessWatch tlsLibraries;
  private final PlaintextDatapath plaintext;
  private final WatchedNamespaces namespaces;
  private final TlsSocketNotes tlsNotes;
  private final TlsEvents tlsEvents;
  private final TcHttpExchanges tcHttp;
  private final KernelClock.SystemClock clock = new KernelClock.SystemClock();
  private final EventPump pump;
  private final EventThreadYield eventYield;
  private final ConnectionSweeper sweeper;
  private final DropCounters drops;
  private final ConnectionLedger ledger = new ConnectionLedger();
  private final PortObservations ports = new PortObservations();
  private final NodeCounters counters;
  private Thread pumpThread;
  private Timestamp lastDropPoll;
  private Map<String, Long> finalCounters;

  /**
   * Loads the programs; nothing is attached yet (but the plaintext socket hooks with {@link PlaintextMode#ON}).
   *
   * @throws BpfException when {@code plaintextMode} is {@link PlaintextMode#ON} and the programs do not load
   */
  public NodeDatapath(Bpf bpf, String nodeName, TcSettings settings, boolean readTls, TlsHooks tlsHooks,
      PlaintextMode plaintextMode, EndpointResolver endpoints, FlowSink sink) {
    this.settings = settings;
    this.sink = sink;
    this.datapath = new TcDatapath(bpf, settings, plaintextMode == PlaintextMode.TC);
    String version = AgentVersion.get();
    Map<Integer, EventHandler> handlers = new HashMap<>();
    this.tls = readTls ? loadTls(bpf, tlsHooks) : null;
    this.tlsNotes = tls == null ? null
        : new TlsSocketNotes(tls.socketNotes(), tlsHooks.socketsIdle(), System.nanoTime());
    this.plaintext = plaintextMode.atSockets() ? loadPlaintext(bpf, plaintextMode, tlsHooks.sockets()) : null;
    if (tls != null) {
      tlsLibraries = new TlsProcessWatch(tls, new ProcProcessView(Path.of("/proc"), new BinaryProber()));
      handlers.put(HmAbi.EVENT_PROCESS, (record, at, length) ->
          tlsLibraries.onProcessEvent(ProcessEvent.decode(record, at, length)));
    } else {
      tlsLibraries = null;
    }
    if (tls != null || plaintext != null) {
      // One conversation table for both sources: its bounds are the node's, whatever reads the bytes.
      tlsEvents = new TlsEvents(new TlsConversations(16384, Duration.ofMinutes(5), Limits.DEFAULT),
          new L7FlowAssembler(nodeName, version, endpoints, clock, tlsLibraries == null
              ? pid -> TlsLibrary.TLS_LIBRARY_UNKNOWN : tlsLibraries.libraries()), sink,
          tlsNotes == null ? () -> { } : tlsNotes::tlsCall);
      handlers.put(HmAbi.EVENT_TLS_DATA, tlsEvents);
      handlers.put(HmAbi.EVENT_SOCK_DATA, tlsEvents);
    } else {
      tlsEvents = null;
    }
    // A connection that closes ends what its TLS conversations were reading (same event thread).
    ConnectionEvents connections = new ConnectionEvents(
        new ConnectionFlowAssembler(nodeName, version, endpoints, clock), sink,
        tlsEvents == null ? null : tlsEvents::connectionClosed, ports);
    handlers.put(HmAbi.EVENT_CONN, connections);
    if (datapath.readsHttp()) {
      tcHttp = new TcHttpExchanges(new TcHttpFlowAssembler(nodeName, version, endpoints, clock), sink);
      handlers.put(HmAbi.EVENT_TC_HTTP, tcHttp);
    } else {
      tcHttp = null;
    }
    try {
      this.namespaces = new WatchedNamespaces(tlsLibraries, tlsNotes, plaintext, plaintextMode,
          settings.plaintextIdle());
    } catch (RuntimeException e) { // --plaintext on, and the hooks do not attach
      closeLoaded();
      throw e;
    }
    this.pump = new EventPump(datapath.events(), handlers, 1 << 20);
    this.eventYield = new EventThreadYield(settings.eventThread(), ThreadScheduling.system(), datapath.events(),
        BacklogYieldPolicy.forRing(settings.ringBufferBytes(), settings.wakeupBytes(), EventThreadYield.STALL_NANOS));
    this.sweeper = new ConnectionSweeper(datapath.connections(), settings, connections::deliver);
    this.drops = new DropCounters(datapath.stats(), datapath.possibleCpus());
    this.counters = new NodeCounters(pump, eventYield, drops, ledger, datapath.events(), plaintext, namespaces,
        tlsEvents, tcHttp, tlsLibraries, tlsNotes);
    this.lastDropPoll = clock.toTimestamp(System.nanoTime());
  }

  /** The TLS programs, or null with a sentence on what is lost: L3/L4 goes on without them. */
  private TlsDatapath loadTls(Bpf bpf, TlsHooks tlsHooks) {
    try {
      return new TlsDatapath(bpf, BpfObjects.load(BpfObjects.TLS_UPROBE), datapath.output(), tlsHooks);
    } catch (BpfException e) {
      LOG.warning("HTTP inside TLS cannot be read on this host (" + e.getMessage()
          + "); L3/L4 connection flows go on.");
      return null;
    }
  }

  /**
   * The plaintext socket programs, or null with a sentence on what is lost; with {@link PlaintextMode#ON} a
   * failure is the caller's. {@code sockets} picks their hooks as it does the TLS programs' (--socket-hooks).
   */
  private PlaintextDatapath loadPlaintext(Bpf bpf, PlaintextMode mode, SocketHooks sockets) {
    Map<String, io.hybridmesh.jni.BpfMap> shared = new HashMap<>();
    if (tls != null) {
      PlaintextDatapath.SHARED_WITH_TLS.forEach(m -> shared.put(m, tls.map(m)));
    }
    byte[] elf = BpfObjects.load(BpfObjects.SOCK_PLAIN);
    try {
      if (sockets != SocketHooks.SYSCALL_TRACEPOINTS) {
        try {
          // Socket I/O only (Linux 6.3), one program run per receive or send.
          return new PlaintextDatapath(bpf, elf, datapath.output(), shared,
              PlaintextDatapath.Hooks.SOCKET_TRACEPOINTS);
        } catch (BpfException e) {
          if (sockets == SocketHooks.SOCKET_TRACEPOINTS) {
            throw e;
          }
          LOG.info(() -> "no socket tracepoints for plaintext reading (" + e.getMessage().lines().findFirst()
              .orElse("") + "; Linux 6.3 brought them): plaintext is read at the syscalls, which slows every "
              + "syscall on this node a little while the hooks are attached");
        }
      }
      // The raw pair: cheaper than per-syscall tracepoints wherever reads and writes are over about a third of
      // the syscalls, as where HTTP is served (bench/syscall-hooks.sh).
      return new PlaintextDatapath(bpf, elf, datapath.output(), shared, PlaintextDatapath.Hooks.RAW_SYSCALLS);
    } catch (BpfException e) {
      if (mode == PlaintextMode.ON) {
        closeLoaded();
        throw e;
      }
      LOG.warning("plaintext HTTP cannot be read at the sockets of this host (" + e.getMessage()
          + "); L3/L4 connection flows and HTTP inside TLS go on.");
      return null;
    }
  }

  public TcDatapath tc() {
    return datapath;
  }

  /** Where the mode says which network namespaces are watched: the TLS probes and the socket hooks follow. */
  public WatchedNamespaces namespaces() {
    return namespaces;
  }

  /** Whether plaintext HTTP is read at the sockets of watched endpoints (the programs loaded). */
  public boolean readsPlaintext() {
    return plaintext != null;
  }

  /** Whether the TC programs read plaintext HTTP/1.x exchanges ({@code --plaintext tc}). */
  public boolean readsPlaintextAtTc() {
    return tcHttp != null;
  }

  /** How watched sockets were classified, or null when plaintext is not read. */
  public io.hybridmesh.jni.BpfMap sockStates() {
    return plaintext == null ? null : plaintext.sockStates();
  }

  /** What each watched endpoint's TCP connections began with, by port. */
  public PortObservations ports() {
    return ports;
  }

  /** The TLS library watch, or null when TLS is not read. */
  public TlsProcessWatch tlsLibraries() {
    return tlsLibraries;
  }

  /** Starts the event thread. */
  public synchronized void start() {
    if (pumpThread == null && finalCounters == null) {
      pumpThread = new Thread(() -> {
        eventYield.enter();
        pump.run();
      }, "hmesh-agent-events");
      pumpThread.setDaemon(true);
      pumpThread.start();
    }
  }

  /**
   * Once a second: clock resync, connection sweep, kernel drop counters and connection-table evictions
   * to the sink. Not thread-safe: one caller (the agent's housekeeping thread).
   */
  public void housekeeping() {
    clock.resync();
    long inserted = drops.total(HmAbi.STAT_CONN_INSERTED); // before the walk: see ConnectionLedger
    sweeper.sweep(System.nanoTime());
    long evicted = ledger.newEvictions(inserted, drops.total(HmAbi.STAT_CONN_DELETED), sweeper.removedTotal(),
        sweeper.remaining());
    Timestamp now = clock.toTimestamp(System.nanoTime());
    drops.poll(lastDropPoll, now).forEach(sink::lost);
    if (evicted > 0) {
      sink.lost(LostEvent.newBuilder().setSource(LostEventSource.KERNEL_CONN_EVICTED).setNumEventsLost(evicted)
          .setFirst(lastDropPoll).setLast(now).build());
    }
    lastDropPoll = now;
    if (tlsEvents != null) {
      namespaces.plaintextActivity(drops.total(HmAbi.STAT_CONN_HTTP), tlsEvents.socketHttp(), System.nanoTime());
    }
    if (tlsNotes != null) {
      tlsNotes.housekeeping(drops.total(HmAbi.STAT_TLS_CALLS) + drops.total(HmAbi.STAT_TLS_CALL_FAILED),
          tlsLibraries.probedProcesses(), tls.goProcesses(), System.nanoTime());
    }
  }

  @Override
  public synchronized long kernelRingbufDrops() {
    return finalCounters != null ? finalCounters.get(NodeCounters.RING_FULL) : drops.total(HmAbi.STAT_RINGBUF_FULL);
  }

  @Override
  public long probeAttachFailures() {
    return tlsLibraries == null ? 0 : tlsLibraries.attachFailures();
  }

  @Override
  public synchronized long connectionsSeenMidstream() {
    return finalCounters != null ? finalCounters.get(NodeCounters.MIDSTREAM) : drops.total(HmAbi.STAT_CONN_MIDSTREAM);
  }

  @Override
  public synchronized Map<String, Long> counters() {
    return finalCounters != null ? finalCounters : counters.read();
  }

  /** Stops the event thread; the mode detaches its attachments before calling {@link #close()}. */
  public synchronized void stopEvents() {
    if (pumpThread != null && pumpThread.isAlive()) {
      eventYield.close();
      pump.stop();
      try {
        pumpThread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Frees the programs and maps (attachments must be closed first). Safe to call more than once. */
  @Override
  public synchronized void close() {
    if (finalCounters != null) {
      return;
    }
    stopEvents();
    finalCounters = counters();
    if (tlsLibraries != null) {
      tlsLibraries.close();
    }
    closeLoaded();
  }

  /** Frees what the constructor loaded, also when it fails half way (plaintext before TLS: it shares TLS maps). */
  private void closeLoaded() {
    if (plaintext != null) {
      plaintext.close();
    }
    if (tls != null) {
      tls.close();
    }
    datapath.close();
  }
}
