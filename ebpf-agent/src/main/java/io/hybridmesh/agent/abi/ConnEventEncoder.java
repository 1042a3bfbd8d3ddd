package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.ConnEventLayout.*;

import java.nio.ByteBuffer;

/**
 * Writes {@code struct hm_conn_event} records as the kernel does. The agent never needs this; tests and
 * benchmarks use it to feed the decoder real bytes without a kernel.
 */
public final class ConnEventEncoder {

  private ConnEventEncoder() {}

  /** Writes one event at an absolute offset of a native-order buffer; returns its size. */
  public static int encode(ConnEvent e, ByteBuffer b, int at) {
    for (int i = 0; i < SIZE; i++) {
      b.put(at + i, (byte) 0);
    }
    b.putShort(at + KIND, (short) HmAbi.EVENT_CONN);
    b.put(at + STATE, (byte) e.state());
    b.put(at + CONN_FLAGS, (byte) e.connFlags());
    b.putInt(at + ENDPOINT_ID, e.endpointId());
    b.putLong(at + TS_NS, e.timestampNs());
    b.putLong(at + FIRST_NS, e.firstSeenNs());
    e.tuple().write(b, at + TUPLE);
    writeTraffic(e.toResponder(), b, at + TO_RESPONDER);
    writeTraffic(e.toInitiator(), b, at + TO_INITIATOR);
    b.putInt(at + IFINDEX, e.ifindex());
    b.put(at + PKT_TCP_FLAGS, (byte) e.packetTcpFlags());
    b.put(at + PKT_EGRESS, (byte) (e.packetEgress() ? 1 : 0));
    b.put(at + FLAGS_TO_RESPONDER, (byte) e.tcpFlagsToResponder());
    b.put(at + FLAGS_TO_INITIATOR, (byte) e.tcpFlagsToInitiator());
    b.put(at + ICMP_TYPE, (byte) e.icmpType());
    b.put(at + ICMP_CODE, (byte) e.icmpCode());
    b.put(at + PKT_TO_RESPONDER, (byte) (e.packetToResponder() ? 1 : 0));
    return SIZE;
  }

  /**
   * Writes events framed as {@link io.hybridmesh.jni.RingBufferReader#poll} frames them ({@code u32
   * length, u32 0, payload padded to 8}) from index 0; sets position 0 and the limit to the end.
   */
  public static void frame(ByteBuffer batch, Iterable<ConnEvent> events) {
    int at = 0;
    for (ConnEvent e : events) {
      batch.putInt(at, SIZE);
      batch.putInt(at + 4, 0);
      at += 8 + encode(e, batch, at + 8);
    }
    batch.position(0);
    batch.limit(at);
  }

  private static void writeTraffic(ConnEvent.Traffic t, ByteBuffer b, int at) {
    b.putLong(at + HmAbi.Counters.BYTES, t.bytes());
    b.putLong(at + HmAbi.Counters.PACKETS, t.packets());
    b.putLong(at + HmAbi.Counters.PAYLOAD_BYTES, t.payloadBytes());
  }
}
