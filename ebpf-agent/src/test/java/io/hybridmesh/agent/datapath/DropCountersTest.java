package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.testing.InMemoryBpfMap;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropCountersTest {

  private final InMemoryBpfMap stats = new InMemoryBpfMap("hm_stats", 4, 16);
  private final DropCounters drops = new DropCounters(stats, 2);
  private final Timestamp t0 = Timestamp.newBuilder().setSeconds(100).build();
  private final Timestamp t1 = Timestamp.newBuilder().setSeconds(101).build();

  private void set(int stat, long cpu0, long cpu1) {
    ByteBuffer v = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(0, cpu0).putLong(8, cpu1);
    stats.update(NativeBytes.u32(stat), v.array(), 0);
  }

  @Test
  void ringBufferDropsPerCpuAndRefusedConnectionsForAll() {
    set(HmAbi.STAT_RINGBUF_FULL, 0, 5);
    set(HmAbi.STAT_CONN_TABLE_FULL, 2, 1);
    List<LostEvent> lost = drops.poll(t0, t1);
    assertEquals(2, lost.size(), lost::toString);
    assertEquals(LostEventSource.KERNEL_RINGBUF, lost.get(0).getSource());
    assertEquals(5, lost.get(0).getNumEventsLost());
    assertEquals(1, lost.get(0).getCpu().getValue());
    assertEquals(LostEventSource.KERNEL_CONN_TABLE_FULL, lost.get(1).getSource());
    assertEquals(3, lost.get(1).getNumEventsLost());
    assertEquals(t0, lost.get(1).getFirst());

    assertEquals(List.of(), drops.poll(t1, t1), "nothing new, nothing reported");
    set(HmAbi.STAT_CONN_TABLE_FULL, 2, 4);
    assertEquals(3, drops.poll(t1, t1).get(0).getNumEventsLost());
    assertEquals(6, drops.total(HmAbi.STAT_CONN_TABLE_FULL));
  }
}
