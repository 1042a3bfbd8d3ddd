package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.abi.ConnEventEncoder;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.IdleRingBuffer;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventPumpTest {

  private final List<Flow> flows = new ArrayList<>();
  private final EventPump pump = new EventPump(new IdleRingBuffer(), Map.of(HmAbi.EVENT_CONN,
      new ConnectionEvents(
          new ConnectionFlowAssembler("n", "v", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK),
          new FlowSink() {
            @Override
            public void accept(Flow flow) {
              flows.add(flow);
            }

            @Override
            public void lost(LostEvent lost) {}
          })), 4096);
  private final ByteBuffer batch = ByteBuffer.allocateDirect(8192).order(ByteOrder.nativeOrder());

  @Test
  void deliversEveryRecordOfABatch() {
    ConnEventEncoder.frame(batch, List.of(
        Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN),
        Events.clientTcp(HmAbi.CONN_ACTIVE, HmAbi.TCP_ACK),
        Events.clientTcp(HmAbi.CONN_CLOSED, HmAbi.TCP_FIN)));
    pump.process(batch, 3);
    assertEquals(3, flows.size());
    assertEquals(3, pump.events());
    assertEquals(0, pump.malformed());
  }

  @Test
  void countsRecordsItCannotDecodeAndGoesOn() {
    ConnEventEncoder.frame(batch, List.of(
        Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN),
        Events.clientTcp(HmAbi.CONN_ACTIVE, HmAbi.TCP_ACK)));
    batch.putShort(8, (short) 99); // the first record claims an unknown kind
    pump.process(batch, 2);
    assertEquals(1, flows.size());
    assertEquals(1, pump.malformed());
  }

  @Test
  void stopsAtAFrameThatRunsPastTheBatch() {
    ConnEventEncoder.frame(batch, List.of(Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN)));
    batch.putInt(0, 100_000);
    pump.process(batch, 1);
    assertEquals(0, flows.size());
    assertEquals(1, pump.malformed());
  }
}
