package io.hybridmesh.agent.abi;

import java.nio.ByteBuffer;

/**
 * A connection event from the kernel ({@code struct hm_conn_event}): a connection opened, was updated,
 * closed or was reset. Counters are cumulative since the connection was first seen.
 *
 * @param state one of {@code HmAbi.CONN_*}; user space adds {@link #STATE_TIMED_OUT}
 */
public record ConnEvent(
    int state,
    int connFlags,
    int endpointId,
    long timestampNs,
    long firstSeenNs,
    FlowTuple tuple,
    Traffic toResponder,
    Traffic toInitiator,
    int ifindex,
    int packetTcpFlags,
    boolean packetEgress,
    boolean packetToResponder,
    int tcpFlagsToResponder,
    int tcpFlagsToInitiator,
    int icmpType,
    int icmpCode) {

  /** Not a kernel state: the agent's sweep found the connection idle past its timeout. */
  public static final int STATE_TIMED_OUT = 100;

  /** Cumulative counters of one direction ({@code struct hm_counters}). */
  public record Traffic(long bytes, long packets, long payloadBytes) {

    /** Reads {@code struct hm_counters} at an absolute offset of a native-order buffer. */
    public static Traffic read(ByteBuffer b, int at) {
      return new Traffic(
          b.getLong(at + HmAbi.Counters.BYTES),
          b.getLong(at + HmAbi.Counters.PACKETS),
          b.getLong(at + HmAbi.Counters.PAYLOAD_BYTES));
    }
  }

  public boolean initiatorKnown() {
    return (connFlags & HmAbi.CONN_F_INITIATOR_KNOWN) != 0;
  }

  /** Whether the watched endpoint started the connection (decided by the kernel when it first saw it). */
  public boolean localIsInitiator() {
    return (connFlags & HmAbi.CONN_F_LOCAL_INITIATOR) != 0;
  }

  public boolean ended() {
    return state == HmAbi.CONN_CLOSED || state == HmAbi.CONN_RESET || state == STATE_TIMED_OUT;
  }
}
