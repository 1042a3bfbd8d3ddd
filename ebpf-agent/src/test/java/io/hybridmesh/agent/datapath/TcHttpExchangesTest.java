package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TcHttpEvent;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.l7.TcHttpFlowAssembler;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcHttpExchangesTest {

  private final List<Flow> flows = new ArrayList<>();
  private final TcHttpExchanges exchanges = new TcHttpExchanges(
      new TcHttpFlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK),
      new FlowSink() {
        @Override
        public void accept(Flow flow) {
          flows.add(flow);
        }

        @Override
        public void lost(LostEvent lost) {}
      });

  private void handle(String head, String status) {
    TcHttpEvent e = new TcHttpEvent(HmAbi.CONN_F_PAYLOAD_HTTP, 2, 10, 20,
        new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 80), 7,
        head.getBytes(StandardCharsets.ISO_8859_1), status.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer b = ByteBuffer.allocate(HmAbi.TcHttpEventLayout.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    e.encode(b, 0);
    exchanges.handle(b, 0, b.capacity());
  }

  @Test
  void anExchangeIsARequestAndAResponseFlow() {
    handle("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n", "HTTP/1.1 200 OK\r");
    assertEquals(List.of(L7FlowType.REQUEST, L7FlowType.RESPONSE), flows.stream().map(f -> f.getL7().getType())
        .toList());
    assertEquals(1, exchanges.exchanges());
  }

  @Test
  void whatDoesNotParseIsCountedAndMakesNoFlow() {
    handle("GET\u0000garbage", "HTTP/1.1 200 OK\r");
    handle("GET /ok HTTP/1.1\r\n\r\n", "HTTP/1.1 2OO OK\r");
    assertEquals(List.of(), flows);
    assertEquals(2, exchanges.unparsed());
    assertEquals(0, exchanges.exchanges());
  }
}
