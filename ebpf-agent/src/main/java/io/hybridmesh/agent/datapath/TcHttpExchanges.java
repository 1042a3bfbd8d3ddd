package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.TcHttpEvent;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.http.HeadStart;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.agent.l7.TcHttpFlowAssembler;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Plaintext HTTP/1.x exchanges read by the TC programs ({@code HM_EVENT_TC_HTTP}, {@code --plaintext tc}), each
 * to a request and a response flow. The programs judged the bytes only by their first word; what does not parse
 * here (a body that began like a request, a malformed line) is counted, and said once.
 */
public final class TcHttpExchanges implements EventHandler {

  private static final Logger LOG = Logger.getLogger(TcHttpExchanges.class.getName());

  private final HeadStart heads = new HeadStart();
  private final TcHttpFlowAssembler assembler;
  private final FlowSink sink;
  private final AtomicLong exchanges = new AtomicLong();
  private final AtomicLong unparsed = new AtomicLong();

  public TcHttpExchanges(TcHttpFlowAssembler assembler, FlowSink sink) {
    this.assembler = assembler;
    this.sink = sink;
  }

  @Override
  public void handle(ByteBuffer record, int at, int length) {
    TcHttpEvent e = TcHttpEvent.decode(record, at, length);
    HeadStart.Request request = heads.request(e.head());
    HttpResponseHead response = heads.response(e.statusLine(), e.responseNs());
    if (request == null || response == null) {
      if (unparsed.incrementAndGet() == 1) {
        LOG.info(() -> "an exchange read at TC did not parse as HTTP/1.x (" + (request == null ? "request" : "response")
            + " of " + e.tuple() + "); further ones are counted");
      }
      return;
    }
    exchanges.incrementAndGet();
    sink.accept(assembler.request(e, request));
    sink.accept(assembler.response(e, request, response));
  }

  /** Exchanges turned into flows. */
  public long exchanges() {
    return exchanges.get();
  }

  /** Exchanges whose request or response start did not parse. */
  public long unparsed() {
    return unparsed.get();
  }
}
