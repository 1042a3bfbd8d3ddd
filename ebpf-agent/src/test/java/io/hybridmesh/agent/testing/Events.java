package io.hybridmesh.agent.testing;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;

/** Connection events for tests, with sensible defaults. */
public final class Events {

  public static final byte[] CLIENT_IP = {10, 1, 0, 1};
  public static final byte[] SERVER_IP = {10, 1, 0, 2};

  private Events() {}

  public static FlowTuple tcp(byte[] src, int sport, byte[] dst, int dport) {
    return new FlowTuple(src.length == 16 ? HmAbi.AF_INET6 : HmAbi.AF_INET, HmAbi.IPPROTO_TCP, src,
        dst, sport, dport);
  }

  /** A TCP connection from CLIENT_IP:40000 to SERVER_IP:80 seen by endpoint 1 (the client). */
  public static ConnEvent clientTcp(int state, int pktFlags) {
    return event(state, HmAbi.CONN_F_INITIATOR_KNOWN | HmAbi.CONN_F_LOCAL_INITIATOR,
        tcp(CLIENT_IP, 40000, SERVER_IP, 80), pktFlags, true);
  }

  public static ConnEvent event(int state, int connFlags, FlowTuple tuple, int pktFlags,
      boolean egress) {
    return new ConnEvent(state, connFlags, 1, 2_000_000_000L, 1_000_000_000L, tuple,
        new ConnEvent.Traffic(500, 5, 200), new ConnEvent.Traffic(1500, 4, 1300), 7, pktFlags, egress,
        true, HmAbi.TCP_SYN | HmAbi.TCP_ACK, HmAbi.TCP_SYN | HmAbi.TCP_ACK, 0, 0);
  }
}
