package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.InMemoryBpfMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionSweeperTest {

  private static final long SECOND = 1_000_000_000L;

  private final InMemoryBpfMap table =
      new InMemoryBpfMap("hm_conns", HmAbi.ConnKey.SIZE, HmAbi.ConnValue.SIZE);
  private final List<ConnEvent> reported = new ArrayList<>();
  private final ConnectionSweeper sweeper = new ConnectionSweeper(table,
      new TcSettings(4096, 16, Duration.ofSeconds(5), Duration.ofSeconds(600), Duration.ofSeconds(30)),
      reported::add);

  @Test
  void quietUdpTimesOutAndLeavesTheTable() {
    put(udp(1000), HmAbi.CONN_NEW, 0, 10 * SECOND);
    assertEquals(0, sweeper.sweep(39 * SECOND));
    assertEquals(1, sweeper.sweep(41 * SECOND));

    ConnEvent e = reported.get(0);
    assertEquals(ConnEvent.STATE_TIMED_OUT, e.state());
    assertEquals(41 * SECOND, e.timestampNs());
    assertEquals(new ConnEvent.Traffic(300, 3, 100), e.toResponder());
    assertEquals(udp(1000), e.tuple());
    assertEquals(0, table.size());
  }

  @Test
  void tcpGetsTheLongerTimeout() {
    put(Events.tcp(Events.CLIENT_IP, 1, Events.SERVER_IP, 2), HmAbi.CONN_ACTIVE, 0, 0);
    assertEquals(0, sweeper.sweep(599 * SECOND));
    assertEquals(1, sweeper.sweep(601 * SECOND));
  }

  @Test
  void aCloseTheKernelCouldNotSendIsReportedAtOnce() {
    put(Events.tcp(Events.CLIENT_IP, 1, Events.SERVER_IP, 2), HmAbi.CONN_RESET,
        HmAbi.CONN_F_END_PENDING | HmAbi.CONN_F_LOCAL_INITIATOR, 5 * SECOND);
    assertEquals(1, sweeper.sweep(6 * SECOND));
    assertEquals(HmAbi.CONN_RESET, reported.get(0).state());
    assertEquals(5 * SECOND, reported.get(0).timestampNs());
    assertTrue(reported.get(0).localIsInitiator());
  }

  @Test
  void aKeyWhoseDestinationIsTheInitiatorIsReportedInitiatorFirst() {
    // The key's ends are in canonical order: here the server (SERVER_IP:53) sorts after the client, but
    // a key may hold them the other way round, flagged.
    FlowTuple key = udp(1000).reversed();
    put(key, HmAbi.CONN_NEW, HmAbi.CONN_F_INITIATOR_IS_KEY_DST, 0);
    assertEquals(1, sweeper.sweep(31 * SECOND));
    assertEquals(udp(1000), reported.get(0).tuple());
  }

  @Test
  void walksPastDeletedEntries() {
    for (int port = 1; port <= 10; port++) {
      put(udp(port), HmAbi.CONN_NEW, 0, port % 2 == 0 ? 0 : 100 * SECOND);
    }
    assertEquals(5, sweeper.sweep(60 * SECOND));
    assertEquals(5, table.size());
    assertEquals(5, sweeper.remaining(), "what the connection ledger is told is present");
    assertEquals(5, sweeper.removedTotal());
    assertEquals(5, sweeper.sweep(200 * SECOND));
    assertEquals(0, sweeper.remaining());
    assertEquals(10, sweeper.removedTotal(), "removals add up over sweeps");
  }

  private static FlowTuple udp(int sport) {
    return new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_UDP, Events.CLIENT_IP, Events.SERVER_IP, sport, 53);
  }

  private void put(FlowTuple t, int state, int flags, long lastNs) {
    ByteBuffer k = ByteBuffer.allocate(HmAbi.ConnKey.SIZE).order(ByteOrder.nativeOrder());
    k.putInt(HmAbi.ConnKey.ENDPOINT_ID, 1);
    t.write(k, HmAbi.ConnKey.TUPLE);
    ByteBuffer v = ByteBuffer.allocate(HmAbi.ConnValue.SIZE).order(ByteOrder.nativeOrder());
    v.putLong(HmAbi.ConnValue.FIRST_NS, 0);
    v.putLong(HmAbi.ConnValue.LAST_NS, lastNs);
    v.putLong(HmAbi.ConnValue.TO_RESPONDER + HmAbi.Counters.BYTES, 300);
    v.putLong(HmAbi.ConnValue.TO_RESPONDER + HmAbi.Counters.PACKETS, 3);
    v.putLong(HmAbi.ConnValue.TO_RESPONDER + HmAbi.Counters.PAYLOAD_BYTES, 100);
    v.put(HmAbi.ConnValue.STATE, (byte) state);
    v.put(HmAbi.ConnValue.CONN_FLAGS, (byte) flags);
    table.update(k.array(), v.array(), 0);
  }
}
