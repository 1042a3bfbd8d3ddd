package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.ConnEventDecoder;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import java.nio.ByteBuffer;

/** Connection events from the TC programs, or from the sweep, to L3/L4 flows. */
public final class ConnectionEvents implements EventHandler {

  private final ConnectionFlowAssembler assembler;
  private final FlowSink sink;

  public ConnectionEvents(ConnectionFlowAssembler assembler, FlowSink sink) {
    this.assembler = assembler;
    this.sink = sink;
  }

  @Override
  public void handle(ByteBuffer record, int at, int length) {
    deliver(ConnEventDecoder.decode(record, at, length));
  }

  /** Also for events that did not come through the ring buffer (the sweep's timeouts). */
  public void deliver(ConnEvent event) {
    sink.accept(assembler.assemble(event));
  }
}
