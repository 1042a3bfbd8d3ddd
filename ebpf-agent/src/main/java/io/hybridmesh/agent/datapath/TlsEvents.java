package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventDecoder;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http2.Http2Event;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * TLS reads and writes from the uprobes, through each connection's HTTP/1.x or HTTP/2 conversation, to L7 flows.
 * What cannot be parsed is counted; the connection itself is still reported at L3/L4 by the
 * TC programs.
 */
public final class TlsEvents implements EventHandler {

  private static final Logger LOG = Logger.getLogger(TlsEvents.class.getName());

  private final TlsEventDecoder decoder = new TlsEventDecoder();
  private final TlsConversations conversations;
  private final L7FlowAssembler assembler;
  private final FlowSink sink;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();
  private final Map<String, Long> unparsedByReason = new ConcurrentHashMap<>();

  public TlsEvents(TlsConversations conversations, L7FlowAssembler assembler, FlowSink sink) {
    this.conversations = conversations;
    this.assembler = assembler;
    this.sink = sink;
  }

  @Override
  public void handle(ByteBuffer record, int at, int length) {
    TlsEvent call = decoder.decode(record, at, length);
    calls.incrementAndGet();
    for (Object e : conversations.onEvent(call)) {
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
  }

  private void unparsed(TlsEvent call, String direction, String protocol, String reason) {
    unparsed.incrementAndGet();
    // The reasons are few and fixed strings; count each, and say each once.
    if (unparsedByReason.merge(reason, 1L, Long::sum) == 1L) {
      LOG.info(() -> "TLS plaintext of " + call.comm() + " (pid " + call.pid() + ", "
          + direction.toLowerCase() + ") not parsed as " + protocol + ": " + reason
          + "; further cases are counted");
    }
  }

  public long calls() {
    return calls.get();
  }

  /** TLS connections read as HTTP/2 since the start. */
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

  /** Stretches of plaintext that were not HTTP/1.x or could not be followed. */
  public long unparsed() {
    return unparsed.get();
  }
}
