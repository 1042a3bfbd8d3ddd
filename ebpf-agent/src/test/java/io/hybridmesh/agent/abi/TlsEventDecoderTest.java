package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TlsEventDecoderTest {

  private final ByteBuffer buf = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
  private final TlsEventDecoder decoder = new TlsEventDecoder();

  private int write(byte[] payload, long length, int flags) {
    buf.putShort(0, (short) HmAbi.EVENT_TLS_DATA).put(2, (byte) HmAbi.TLS_READ).put(3, (byte) flags);
    buf.putInt(4, 3).putLong(8, 100).putLong(16, 250).putLong(24, 0xdeadbeefL).putLong(32, 77);
    buf.putLong(40, length).putInt(48, 1234).putInt(52, 1235).putInt(56, payload.length);
    buf.put(64, new byte[] {10, 0, 0, 1}).put(80, new byte[] {10, 0, 0, 2});
    buf.putShort(96, (short) 443).putShort(98, (short) 51000).put(100, (byte) 2).put(101, (byte) 6);
    buf.put(104, "curl\0garbage".getBytes(StandardCharsets.US_ASCII));
    buf.put(120, payload);
    return 120 + payload.length;
  }

  @Test
  void decodesHeaderTupleCommAndData() {
    int len = write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII), 5000, HmAbi.TLS_F_TUPLE);
    TlsEvent e = decoder.decode(buf, 0, len);
    assertEquals(false, e.write());
    assertEquals(3, e.endpointId());
    assertEquals(100, e.startNs());
    assertEquals(250, e.endNs());
    assertEquals(0xdeadbeefL, e.ssl());
    assertEquals(77, e.cgroupId());
    assertEquals(5000, e.length());
    assertEquals(1234, e.pid());
    assertEquals(1235, e.tid());
    assertEquals("curl", e.comm());
    assertEquals(443, e.tuple().sourcePort());
    assertEquals(51000, e.tuple().destinationPort());
    assertEquals(17, e.captured());
    assertEquals("HTTP/1.1 200 OK\r\n", new String(e.data(), 0, e.captured(), StandardCharsets.US_ASCII));
  }

  @Test
  void aSocketRecordDecodesAsTheSameEventFromTheSocket() {
    int len = write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII), 16, HmAbi.TLS_F_TUPLE);
    assertEquals(false, decoder.decode(buf, 0, len).socket());
    buf.putShort(0, (short) HmAbi.EVENT_SOCK_DATA);
    TlsEvent e = decoder.decode(buf, 0, len);
    assertTrue(e.socket());
    assertEquals(0xdeadbeefL, e.ssl());
    assertEquals(443, e.tuple().sourcePort());
    assertEquals("GET / HTTP/1.1\r\n", new String(e.data(), 0, e.captured(), StandardCharsets.US_ASCII));
    // And the encoder writes the kind back.
    ByteBuffer again = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    TlsEventEncoder.encode(e, again, 0);
    assertEquals(HmAbi.EVENT_SOCK_DATA, again.getShort(0));
  }

  @Test
  void anIpv6SocketTalkingIpv4IsDecodedAsTheIpv4ConnectionItIs() {
    // A server listening on [::] with an IPv4 client: the socket's addresses are IPv4-mapped.
    int len = write(new byte[0], 1, HmAbi.TLS_F_TUPLE);
    buf.put(64, mapped(10, 0, 0, 2)).put(80, mapped(10, 0, 0, 1)).put(100, (byte) HmAbi.AF_INET6);
    FlowTuple t = decoder.decode(buf, 0, len).tuple();
    assertEquals(HmAbi.AF_INET, t.family());
    assertArrayEquals(new byte[] {10, 0, 0, 2}, t.source());
    assertArrayEquals(new byte[] {10, 0, 0, 1}, t.destination());
    assertEquals(443, t.sourcePort());

    // A real IPv6 peer stays IPv6, and so does a tuple with only one mapped end (no mixed families).
    byte[] v6 = new byte[16];
    v6[0] = (byte) 0xfd;
    v6[15] = 1;
    buf.put(80, v6);
    t = new TlsEventDecoder().decode(buf, 0, len).tuple();
    assertEquals(HmAbi.AF_INET6, t.family());
    assertEquals(16, t.source().length);
    assertEquals("::ffff:10.0.0.2", io.hybridmesh.api.net.IpAddress.format(t.source()));
  }

  private static byte[] mapped(int a, int b, int c, int d) {
    byte[] m = new byte[16];
    m[10] = (byte) 0xff;
    m[11] = (byte) 0xff;
    m[12] = (byte) a;
    m[13] = (byte) b;
    m[14] = (byte) c;
    m[15] = (byte) d;
    return m;
  }

  @Test
  void noTupleWhenTheKernelFoundNoSocket() {
    assertNull(decoder.decode(buf, 0, write(new byte[0], 1, 0)).tuple());
  }

  @Test
  void rejectsRecordsThatLieAboutTheirLength() {
    int len = write(new byte[100], 100, 0);
    assertThrows(MalformedEventException.class, () -> decoder.decode(buf, 0, len - 1));
    assertThrows(MalformedEventException.class, () -> decoder.decode(buf, 0, 60));
    buf.putInt(56, 5000);
    MalformedEventException e =
        assertThrows(MalformedEventException.class, () -> decoder.decode(buf, 0, 8000));
    assertTrue(e.getMessage().contains("5000"));
  }
}
