package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.ConnEventEncoder;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionEventsTest {

  private final List<String> closed = new ArrayList<>();
  private final PortObservations ports = new PortObservations();
  private final ConnectionEvents events = new ConnectionEvents(
      new ConnectionFlowAssembler("n", "v", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK),
      new FlowSink() {
        @Override
        public void accept(Flow flow) {}

        @Override
        public void lost(LostEvent lost) {}
      }, (FlowTuple t, long ns) -> closed.add(t + " at " + ns), ports);

  private void ring(ConnEvent e) {
    ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    int length = ConnEventEncoder.encode(e, b, 0);
    events.handle(b, 0, length);
  }

  @Test
  void aConnectionThatClosedOrWasResetIsToldOnceTheOthersNot() {
    ring(Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN));
    ring(Events.clientTcp(HmAbi.CONN_ACTIVE, HmAbi.TCP_ACK));
    ring(Events.clientTcp(HmAbi.CONN_CLOSED, HmAbi.TCP_FIN));
    ring(Events.clientTcp(HmAbi.CONN_RESET, HmAbi.TCP_RST));
    String tuple = Events.tcp(Events.CLIENT_IP, 40000, Events.SERVER_IP, 80).toString();
    assertEquals(List.of(tuple + " at 2000000000", tuple + " at 2000000000"), closed);
  }

  @Test
  void whatAConnectionBeganWithIsNotedForItsEndpoint() {
    ring(Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN));
    assertEquals("", ports.of(1).toAnnotation(), "no payload judged yet");
    ring(Events.event(HmAbi.CONN_CLOSED, HmAbi.CONN_F_INITIATOR_KNOWN | HmAbi.CONN_F_LOCAL_INITIATOR
        | HmAbi.CONN_F_PAYLOAD_SEEN | HmAbi.CONN_F_PAYLOAD_HTTP, Events.tcp(Events.CLIENT_IP, 40000,
        Events.SERVER_IP, 80), HmAbi.TCP_FIN, true));
    ring(Events.event(HmAbi.CONN_ACTIVE, HmAbi.CONN_F_INITIATOR_KNOWN | HmAbi.CONN_F_PAYLOAD_SEEN
        | HmAbi.CONN_F_PAYLOAD_TLS, Events.tcp(Events.CLIENT_IP, 40001, Events.SERVER_IP, 8443), HmAbi.TCP_ACK,
        false));
    ring(Events.event(HmAbi.CONN_ACTIVE, HmAbi.CONN_F_PAYLOAD_SEEN, Events.tcp(Events.CLIENT_IP, 40002,
        Events.SERVER_IP, 5432), HmAbi.TCP_ACK, false));
    // The sweep's events count too (a connection that only timed out still began with something).
    events.deliver(Events.event(ConnEvent.STATE_TIMED_OUT, HmAbi.CONN_F_LOCAL_INITIATOR | HmAbi.CONN_F_PAYLOAD_SEEN
        | HmAbi.CONN_F_PAYLOAD_TLS, Events.tcp(Events.CLIENT_IP, 40003, Events.SERVER_IP, 443), 0, true));
    assertEquals("in/5432=other in/8443=tls out/80=http out/443=tls", ports.of(1).toAnnotation());
    assertEquals("", ports.of(2).toAnnotation());
    ports.forget(1);
    assertEquals("", ports.of(1).toAnnotation());
  }

  @Test
  void theSweepsTimeoutsAreNotToldFromTheirThread() {
    events.deliver(Events.clientTcp(ConnEvent.STATE_TIMED_OUT, 0));
    assertEquals(List.of(), closed);
  }
}
