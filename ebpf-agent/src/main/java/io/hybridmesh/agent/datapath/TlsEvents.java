package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventDecoder;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TLS reads and writes from the uprobes, through each connection's HTTP conversation, to L7 flows.
 * What cannot be parsed as HTTP/1.x is counted; the connection itself is still reported at L3/L4 by the
 * TC programs.
 */
public final class TlsEvents implements EventHandler {

  private final TlsEventDecoder decoder = new TlsEventDecoder();
  private final TlsConversations conversations;
  private final L7FlowAssembler assembler;
  private final FlowSink sink;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();

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
      } else {
        unparsed.incrementAndGet();
      }
    }
  }

  public long calls() {
    return calls.get();
  }

  /** Stretches of plaintext that were not HTTP/1.x or could not be followed. */
  public long unparsed() {
    return unparsed.get();
  }
}
