package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventDecoder;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * TLS reads and writes from the uprobes, through each connection's HTTP conversation, to L7 flows.
 * What cannot be parsed as HTTP/1.x is counted; the connection itself is still reported at L3/L4 by the
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
    for (HttpEvent e : conversations.onEvent(call)) {
      if (e instanceof HttpEvent.RequestSeen r) {
        sink.accept(assembler.request(call, r));
      } else if (e instanceof HttpEvent.ResponseSeen r) {
        sink.accept(assembler.response(call, r));
      } else if (e instanceof HttpEvent.Unparsed u) {
        unparsed.incrementAndGet();
        // The reasons are few and fixed strings; count each, and say each once.
        if (unparsedByReason.merge(u.reason(), 1L, Long::sum) == 1L) {
          LOG.info(() -> "TLS plaintext of " + call.comm() + " (pid " + call.pid() + ", "
              + u.direction().name().toLowerCase() + ") not parsed as HTTP/1.x: " + u.reason()
              + "; further cases are counted");
        }
      }
    }
  }

  public long calls() {
    return calls.get();
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
