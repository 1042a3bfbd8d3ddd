package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.testing.Events;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ConnEventDecoderTest {

  private final ByteBuffer buf = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);

  @Test
  void decodesWhatTheKernelLayoutHolds() {
    // Bytes written field by field at the header's offsets, independent of the encoder.
    int at = 16;
    buf.putShort(at, (short) 1).put(at + 2, (byte) 3).put(at + 3, (byte) 0x5);
    buf.putInt(at + 4, 42).putLong(at + 8, 9_000L).putLong(at + 16, 8_000L);
    buf.put(at + 24, new byte[] {10, 0, 0, 1}).put(at + 40, new byte[] {10, 0, 0, 2});
    buf.putShort(at + 56, (short) 51000).putShort(at + 58, (short) 443);
    buf.put(at + 60, (byte) 2).put(at + 61, (byte) 6);
    buf.putLong(at + 64, 100).putLong(at + 72, 2).putLong(at + 80, 20);
    buf.putLong(at + 88, 3000).putLong(at + 96, 3).putLong(at + 104, 2900);
    buf.putInt(at + 112, 9).put(at + 116, (byte) 0x11).put(at + 117, (byte) 1);
    buf.put(at + 118, (byte) 0x13).put(at + 119, (byte) 0x12).put(at + 122, (byte) 1);

    ConnEvent e = ConnEventDecoder.decode(buf, at, 128);

    assertEquals(HmAbi.CONN_CLOSED, e.state());
    assertTrue(e.initiatorKnown());
    assertTrue(e.localIsInitiator());
    assertEquals(42, e.endpointId());
    assertEquals(9_000L, e.timestampNs());
    assertEquals(8_000L, e.firstSeenNs());
    assertEquals(Events.tcp(new byte[] {10, 0, 0, 1}, 51000, new byte[] {10, 0, 0, 2}, 443), e.tuple());
    assertEquals(new ConnEvent.Traffic(100, 2, 20), e.toResponder());
    assertEquals(new ConnEvent.Traffic(3000, 3, 2900), e.toInitiator());
    assertEquals(9, e.ifindex());
    assertEquals(0x11, e.packetTcpFlags());
    assertTrue(e.packetEgress());
    assertTrue(e.packetToResponder());
    assertEquals(0x13, e.tcpFlagsToResponder());
    assertEquals(0x12, e.tcpFlagsToInitiator());
  }

  @Test
  void roundTripsThroughTheEncoder() {
    ConnEvent e = Events.event(HmAbi.CONN_NEW, 0,
        Events.tcp(new byte[16], 1, new byte[] {0x20, 1, 0xd, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 1}, 65535), 0x02, false);
    ConnEventEncoder.encode(e, buf, 0);
    assertEquals(e, ConnEventDecoder.decode(buf, 0, 128));
  }

  @Test
  void rejectsShortRecordsAndOtherKinds() {
    assertThrows(MalformedEventException.class, () -> ConnEventDecoder.decode(buf, 0, 127));
    buf.putShort(0, (short) 77);
    MalformedEventException e =
        assertThrows(MalformedEventException.class, () -> ConnEventDecoder.decode(buf, 0, 128));
    assertTrue(e.getMessage().contains("77"));
  }
}
