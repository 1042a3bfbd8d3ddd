package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.testing.Events;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TcHttpEventTest {

  private static final FlowTuple TUPLE =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 8080);

  private static ByteBuffer buffer() {
    return ByteBuffer.allocate(HmAbi.TcHttpEventLayout.SIZE + 16).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void roundTripsAtAnOffset() {
    TcHttpEvent e = new TcHttpEvent(HmAbi.CONN_F_LOCAL_INITIATOR | HmAbi.CONN_F_PAYLOAD_HTTP, 3, 1_000, 251_000,
        TUPLE, 7, "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        "HTTP/1.1 200 OK\r".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer b = buffer();
    e.encode(b, 8);
    TcHttpEvent back = TcHttpEvent.decode(b, 8, HmAbi.TcHttpEventLayout.SIZE);
    assertEquals(e, back);
    assertTrue(back.localIsClient());
    assertFalse(new TcHttpEvent(HmAbi.CONN_F_PAYLOAD_HTTP, 3, 0, 0, TUPLE, 7, new byte[0], new byte[0])
        .localIsClient());
  }

  @Test
  void refusesShortRecordsOtherKindsAndLengthsPastTheirFields() {
    ByteBuffer b = buffer();
    new TcHttpEvent(0, 1, 0, 0, TUPLE, 0, new byte[4], new byte[4]).encode(b, 0);
    assertThrows(MalformedEventException.class, () -> TcHttpEvent.decode(b, 0, HmAbi.TcHttpEventLayout.SIZE - 1));
    b.putShort(HmAbi.TcHttpEventLayout.HEAD_LEN, (short) (HmAbi.TC_HTTP_HEAD + 1));
    assertThrows(MalformedEventException.class, () -> TcHttpEvent.decode(b, 0, HmAbi.TcHttpEventLayout.SIZE));
    b.putShort(HmAbi.TcHttpEventLayout.HEAD_LEN, (short) 4);
    b.put(HmAbi.TcHttpEventLayout.STATUS_LEN, (byte) (HmAbi.TC_HTTP_STATUS_LINE + 1));
    assertThrows(MalformedEventException.class, () -> TcHttpEvent.decode(b, 0, HmAbi.TcHttpEventLayout.SIZE));
    b.put(HmAbi.TcHttpEventLayout.STATUS_LEN, (byte) 4);
    b.putShort(HmAbi.TcHttpEventLayout.KIND, (short) HmAbi.EVENT_CONN);
    assertThrows(MalformedEventException.class, () -> TcHttpEvent.decode(b, 0, HmAbi.TcHttpEventLayout.SIZE));
  }
}
