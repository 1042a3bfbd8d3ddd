package io.hybridmesh.agent.abi;

import static io.hybridmesh.agent.abi.HmAbi.ConnEventLayout.*;

import java.nio.ByteBuffer;

/** Decodes {@code struct hm_conn_event} records; pure, no I/O. */
public final class ConnEventDecoder {

  private ConnEventDecoder() {}

  /**
   * Decodes the event at an absolute offset of a little-endian buffer holding {@code length} bytes of
   * record.
   *
   * @throws MalformedEventException if the record is too short or not a connection event
   */
  public static ConnEvent decode(ByteBuffer b, int at, int length) {
    if (length < SIZE) {
      throw new MalformedEventException("connection event of " + length + " bytes, expected " + SIZE);
    }
    int kind = b.getShort(at + KIND) & 0xffff;
    if (kind != HmAbi.EVENT_CONN) {
      throw new MalformedEventException("event kind " + kind + " is not a connection event");
    }
    return new ConnEvent(
        b.get(at + STATE) & 0xff,
        b.get(at + CONN_FLAGS) & 0xff,
        b.getInt(at + ENDPOINT_ID),
        b.getLong(at + TS_NS),
        b.getLong(at + FIRST_NS),
        FlowTuple.read(b, at + TUPLE),
        ConnEvent.Traffic.read(b, at + TO_RESPONDER),
        ConnEvent.Traffic.read(b, at + TO_INITIATOR),
        b.getInt(at + IFINDEX),
        b.get(at + PKT_TCP_FLAGS) & 0xff,
        b.get(at + PKT_EGRESS) != 0,
        b.get(at + PKT_TO_RESPONDER) != 0,
        b.get(at + FLAGS_TO_RESPONDER) & 0xff,
        b.get(at + FLAGS_TO_INITIATOR) & 0xff,
        b.get(at + ICMP_TYPE) & 0xff,
        b.get(at + ICMP_CODE) & 0xff);
  }
}
