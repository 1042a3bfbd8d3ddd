package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventDecoder;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http2.Http2Event;
import io.hybridmesh.agent.l7.EndedConnections;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Plaintext reads and writes, from the TLS uprobes ({@code HM_EVENT_TLS_DATA}) and from the plaintext socket
 * tracepoints ({@code HM_EVENT_SOCK_DATA}), through each connection's HTTP/1.x or HTTP/2 conversation (one
 * table for both, so that the node's bounds hold for both together), to L7 flows. What cannot be parsed is
 * counted, by source; the connection itself is still reported at L3/L4 by the TC programs.
 */
public final class TlsEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(TlsEvents.class.getName());

  private final TlsEventDecoder decoder = new TlsEventDecoder();
  private final TlsConversations conversations;
  private final L7FlowAssembler assembler;
  private final FlowSink sink;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();
  private final AtomicLong streamsCut = new AtomicLong();
  private final AtomicLong socketCalls = new AtomicLong();
  private final AtomicLong socketUnparsed = new AtomicLong();
  private final AtomicLong socketHttp = new AtomicLong();
  private final Map<String, Long> unparsedByReason = new ConcurrentHashMap<>();
  private final Runnable onTlsCall;

  public TlsEvents(TlsConversations conversations, L7FlowAssembler assembler, FlowSink sink) {
    this(conversations, assembler, sink, () -> { });
  }

  /** @param onTlsCall run for every TLS call read (not a plaintext socket's), on the event thread */
  public TlsEvents(TlsConversations conversations, L7FlowAssembler assembler, FlowSink sink, Runnable onTlsCall) {
    this.conversations = conversations;
    this.assembler = assembler;
    this.sink = sink;
    this.onTlsCall = onTlsCall;
  }

  @Override
  public void handle(ByteBuffer record, int at, int length) {
    TlsEvent call = decoder.decode(record, at, length);
    if (call.socket()) {
      socketCalls.incrementAndGet();
    } else {
      calls.incrementAndGet();
      onTlsCall.run();
    }
    List<?> events = conversations.onEvent(call);
    // Connections dropped to make room for this one (or idled out) first: they were over before it.
    emitEnded();
    for (Object e : events) {
      emit(call, e);
    }
  }

  /**
   * A connection closed or was reset (seen by the TC programs; event thread only): the TLS conversations of
   * its two ends end, and their open HTTP/2 streams become flows that say the connection closed.
   */
  public void connectionClosed(FlowTuple tuple, long timestampNs) {
    conversations.connectionClosed(tuple, timestampNs);
    emitEnded();
  }

  private void emitEnded() {
    for (EndedConnections.Ended ended : conversations.takeEnded()) {
      for (Object e : ended.events()) {
        if (e instanceof Http2Event.ExchangeEnded) {
          streamsCut.incrementAndGet();
        }
        emit(ended.call(), e);
      }
    }
  }

  private void emit(TlsEvent call, Object e) {
    if (call.socket() && (e instanceof HttpEvent.RequestSeen || e instanceof Http2Event.RequestSeen)) {
      socketHttp.incrementAndGet();
    }
    if (e instanceof HttpEvent.RequestSeen r) {
      sink.accept(assembler.request(call, r));
    } else if (e instanceof HttpEvent.ResponseSeen r) {
      sink.accept(assembler.response(call, r));
    } else if (e instanceof Http2Event.RequestSeen r) {
      sink.accept(assembler.request(call, r));
    } else if (e instanceof Http2Event.ExchangeEnded x) {
      sink.accept(assembler.response(call, x));
    } else if (e instanceof HttpEvent.Unparsed u) {
      unparsed(call, u.direction().name(), "HTTP/1.x", u.reason());
    } else if (e instanceof Http2Event.Unparsed u) {
      unparsed(call, u.direction().name(), "HTTP/2", "HTTP/2 " + u.reason().name());
    }
    // GOAWAY: its streams end as exchanges (refused); nothing more to report.
  }

  private void unparsed(TlsEvent call, String direction, String protocol, String reason) {
    (call.socket() ? socketUnparsed : unparsed).incrementAndGet();
    // The reasons are few and fixed strings; count each, and say each once.
    String source = call.socket() ? "Socket plaintext" : "TLS plaintext";
    if (unparsedByReason.merge(reason, 1L, Long::sum) == 1L) {
      LOG.info(() -> source + " of " + call.comm() + " (pid " + call.pid() + ", "
          + direction.toLowerCase() + ") not parsed as " + protocol + ": " + reason
          + "; further cases are counted");
    }
  }

  /** TLS calls handled (from the uprobes). */
  /** L7 flows sent without their connection's addresses: their TLS call saw no socket. */
  public long flowsWithoutConnection() {
    return assembler.flowsWithoutConnection();
  }

  public long calls() {
    return calls.get();
  }

  /** HTTP/2 streams still open when their connection closed or was dropped (each reported as a flow). */
  public long streamsCut() {
    return streamsCut.get();
  }

  /** Socket calls handled (from the plaintext tracepoints). */
  public long socketCalls() {
    return socketCalls.get();
  }

  /** Connections (TLS and plaintext) read as HTTP/2 since the start. */
  public long http2Connections() {
    return conversations.http2Connections();
  }

  /** HTTP/2 connections dropped to keep them within their memory budget. */
  public long http2Shed() {
    return conversations.http2Shed();
  }

  /** Unparsed stretches by reason. */
  public Map<String, Long> unparsedByReason() {
    return Map.copyOf(unparsedByReason);
  }

  /** Stretches of TLS plaintext that were not HTTP/1.x or could not be followed. */
  public long unparsed() {
    return unparsed.get();
  }

  /** The same for plaintext read at sockets: bytes on a watched TCP port that are not HTTP. */
  /** Requests the plaintext socket hooks read (HTTP/1.x and HTTP/2). */
  public long socketHttp() {
    return socketHttp.get();
  }

  public long socketUnparsed() {
    return socketUnparsed.get();
  }
}
