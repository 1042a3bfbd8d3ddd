package io.hybridmesh.agent.runtime;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.datapath.ConnectionLedger;
import io.hybridmesh.agent.datapath.DropCounters;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.datapath.EventThreadYield;
import io.hybridmesh.agent.datapath.PlaintextDatapath;
import io.hybridmesh.agent.datapath.TcHttpExchanges;
import io.hybridmesh.agent.datapath.TlsEvents;
import io.hybridmesh.agent.tls.TlsProcessWatch;
import io.hybridmesh.jni.RingBufferReader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node's counters by the names the agent prints at its end and the metrics endpoint serves: what was seen,
 * and every drop, from the kernel's per-CPU counters and the user-space parts that count their own. Only the
 * parts loaded on this node contribute (no plaintext hooks, no plaintext lines).
 */
final class NodeCounters {

  static final String RING_FULL = "events lost (ring buffer full)";
  static final String MIDSTREAM = "connections joined mid-stream (evicted, or older than the agent)";

  private final EventPump pump;
  private final EventThreadYield eventYield;
  private final DropCounters drops;
  private final ConnectionLedger ledger;
  private final RingBufferReader ring;
  private final PlaintextDatapath plaintext;
  private final WatchedNamespaces namespaces;
  private final TlsEvents tlsEvents;
  private final TcHttpExchanges tcHttp;
  private final TlsProcessWatch tlsLibraries;
  private final TlsSocketNotes tlsNotes;

  /**
   * {@code plaintext}, {@code tlsEvents}, {@code tcHttp}, {@code tlsLibraries} and {@code tlsNotes} are null
   * where not loaded.
   */
  NodeCounters(EventPump pump, EventThreadYield eventYield, DropCounters drops, ConnectionLedger ledger,
      RingBufferReader ring, PlaintextDatapath plaintext, WatchedNamespaces namespaces, TlsEvents tlsEvents,
      TcHttpExchanges tcHttp, TlsProcessWatch tlsLibraries, TlsSocketNotes tlsNotes) {
    this.tlsNotes = tlsNotes;
    this.tcHttp = tcHttp;
    this.pump = pump;
    this.eventYield = eventYield;
    this.drops = drops;
    this.ledger = ledger;
    this.ring = ring;
    this.plaintext = plaintext;
    this.namespaces = namespaces;
    this.tlsEvents = tlsEvents;
    this.tlsLibraries = tlsLibraries;
  }

  /** Every counter now, in the order they are printed. */
  Map<String, Long> read() {
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("events", pump.events());
    c.put("malformed events", pump.malformed());
    c.put("event thread yielding (SCHED_IDLE)", eventYield.idle() ? 1L : 0L);
    c.put("JIT compiler threads yielding with it", (long) eventYield.compilersIdle());
    c.put("event thread raised: backlog", eventYield.backlogRaises());
    c.put("event thread raised: no turn on busy CPUs", eventYield.stallRaises());
    c.put(RING_FULL, drops.total(HmAbi.STAT_RINGBUF_FULL));
    c.put("packets seen", drops.total(HmAbi.STAT_PACKETS));
    c.put("truncated packets", drops.total(HmAbi.STAT_TRUNCATED));
    c.put("non-first fragments", drops.total(HmAbi.STAT_FRAGMENT));
    c.put("connection table full", drops.total(HmAbi.STAT_CONN_TABLE_FULL));
    c.put("connections evicted from the table", ledger.total());
    c.put(MIDSTREAM, drops.total(HmAbi.STAT_CONN_MIDSTREAM));
    c.put("ring buffer records too large", ring.oversizedRecords());
    c.put("TCP connections opened with plaintext HTTP", drops.total(HmAbi.STAT_CONN_HTTP));
    c.put("TCP connections opened with TLS", drops.total(HmAbi.STAT_CONN_TLS));
    if (plaintext != null) {
      c.put("socket calls", tlsEvents.socketCalls());
      c.put("socket hooks attached", plaintext.attached() ? 1L : 0L);
      c.put("socket hooks attached again on plaintext HTTP", namespaces.plaintextReattaches());
      c.put("sockets left to the TLS probes (TLS records)", drops.total(HmAbi.STAT_SOCK_TLS));
      c.put("socket calls too short to classify", drops.total(HmAbi.STAT_SOCK_UNCLASSIFIED));
      c.put("socket calls lost to a taken slot", drops.total(HmAbi.STAT_SOCK_SLOT_TAKEN));
      c.put("socket table full", drops.total(HmAbi.STAT_SOCK_TABLE_FULL));
      c.put("socket calls through io_uring, splice or *mmsg (not read)", drops.total(HmAbi.STAT_SOCK_OTHER_CALL));
      c.put("socket plaintext not parsed as HTTP", tlsEvents.socketUnparsed());
    }
    if (tcHttp != null) {
      c.put("HTTP exchanges read at TC", drops.total(HmAbi.STAT_TC_HTTP_EXCHANGES));
      c.put("HTTP exchanges read at TC, not parsed", tcHttp.unparsed());
      c.put("pipelined HTTP requests not read at TC", drops.total(HmAbi.STAT_TC_HTTP_PIPELINED));
      c.put("HTTP table at TC full", drops.total(HmAbi.STAT_TC_HTTP_TABLE_FULL));
    }
    if (tlsLibraries != null) {
      c.put("TLS calls", tlsEvents.calls());
      c.put("processes with TLS probes", (long) tlsLibraries.probedProcesses());
      c.put("most watched processes on one probed file", (long) tlsLibraries.mostProcessesOnOneFile());
      c.put("process reports dropped (queue full)", tlsLibraries.eventsDropped());
      c.put("TLS probe detaches pending", tlsLibraries.detachesPending());
      c.put("TLS calls without a socket", drops.total(HmAbi.STAT_TLS_NO_SOCKET));
      if (tlsNotes != null) {
        c.put("TLS socket tracepoints attached", tlsNotes.attached() ? 1L : 0L);
        c.put("TLS socket tracepoints attached again on a TLS call", tlsNotes.reattaches());
      }
      c.put("L7 flows without their connection (no socket in the TLS call)", tlsEvents.flowsWithoutConnection());
      c.put("TLS calls that failed or moved nothing", drops.total(HmAbi.STAT_TLS_CALL_FAILED));
      c.put("TLS calls lost to a taken slot", drops.total(HmAbi.STAT_TLS_SLOT_TAKEN));
      c.put("TLS writes reported at their entry (no return probe)", drops.total(HmAbi.STAT_TLS_WRITES_AT_ENTRY));
      c.put("TLS plaintext not parsed as HTTP/1.x", tlsEvents.unparsed());
    }
    if (tlsEvents != null) {
      c.put("connections read as HTTP/2", tlsEvents.http2Connections());
      c.put("HTTP/2 connections dropped over their memory budget", tlsEvents.http2Shed());
      c.put("HTTP/2 streams open when their connection ended or was dropped", tlsEvents.streamsCut());
    }
    return c;
  }
}
