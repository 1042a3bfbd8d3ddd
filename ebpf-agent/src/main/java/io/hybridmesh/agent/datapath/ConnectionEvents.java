package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.ConnEventDecoder;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import java.nio.ByteBuffer;
import java.util.function.ObjLongConsumer;

/**
 * Connection events from the TC programs, or from the sweep, to L3/L4 flows. A connection the kernel saw
 * close or reset is also told to {@code closed} (on the event thread, where the TLS conversations live),
 * so that what was being read on it ends with it.
 */
public final class ConnectionEvents implements EventHandler {

  private final ConnectionFlowAssembler assembler;
  private final FlowSink sink;
  private final ObjLongConsumer<FlowTuple> closed;
  private final PortObservations ports;

  public ConnectionEvents(ConnectionFlowAssembler assembler, FlowSink sink) {
    this(assembler, sink, null, null);
  }

  /**
   * @param closed told each connection that closed or was reset, and when; null for none
   * @param ports told what each connection began with; null for none
   */
  public ConnectionEvents(ConnectionFlowAssembler assembler, FlowSink sink, ObjLongConsumer<FlowTuple> closed,
      PortObservations ports) {
    this.assembler = assembler;
    this.sink = sink;
    this.closed = closed;
    this.ports = ports;
  }

  @Override
  public void handle(ByteBuffer record, int at, int length) {
    ConnEvent event = ConnEventDecoder.decode(record, at, length);
    deliver(event);
    // From the ring only: the sweep's timeouts come on another thread, and an idle connection's
    // conversation idles out by itself.
    if (closed != null && event.ended() && event.tuple() != null) {
      closed.accept(event.tuple(), event.timestampNs());
    }
  }

  /** Also for events that did not come through the ring buffer (the sweep's timeouts). */
  public void deliver(ConnEvent event) {
    if (ports != null) {
      ports.observe(event);
    }
    sink.accept(assembler.assemble(event));
  }
}
