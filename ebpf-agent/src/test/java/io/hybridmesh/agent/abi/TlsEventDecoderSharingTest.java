package io.hybridmesh.agent.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names and tuples shared between events are always those of the record being decoded. */
class TlsEventDecoderSharingTest {

  private final ByteBuffer buf = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
  private final TlsEventDecoder decoder = new TlsEventDecoder();

  private TlsEvent decode(String comm, FlowTuple tuple) {
    TlsEvent e = new TlsEvent(true, false, 1, 10, 20, 0x55L, 7, 2, 100, 101, comm, tuple,
        "ok".getBytes(StandardCharsets.US_ASCII), 2);
    buf.clear();
    TlsEventEncoder.encode(e, buf, 0);
    return decoder.decode(buf, 0, TlsEventEncoder.size(e));
  }

  private static FlowTuple v4(int last, int sport, int dport) {
    return new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, new byte[] {10, 0, 0, 1},
        new byte[] {10, 0, 0, (byte) last}, sport, dport);
  }

  @Test
  void manyNamesAndTuplesComeOutAsWritten() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      names.add(i % 3 == 0 ? "nginx" : "worker-" + i);
    }
    names.add("");
    names.add("fifteen-chars!!");
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < names.size(); i++) {
        FlowTuple t = v4(2 + i % 5, 40000 + i, 443);
        TlsEvent e = decode(names.get(i), t);
        assertEquals(names.get(i), e.comm());
        assertEquals(t, e.tuple());
      }
    }
    FlowTuple v6 = new FlowTuple(HmAbi.AF_INET6, HmAbi.IPPROTO_TCP, new byte[16], new byte[16], 1, 2);
    v6.destination()[15] = 1;
    assertEquals(v6, decode("x", v6).tuple());
    assertNotEquals(v6, decode("x", new FlowTuple(HmAbi.AF_INET6, HmAbi.IPPROTO_TCP, new byte[16],
        new byte[16], 1, 2)).tuple());
    assertNull(decode("x", null).tuple());
  }

  @Test
  void aRepeatedNameOrConnectionIsOneObject() {
    TlsEvent a = decode("wrk", v4(2, 41000, 8443));
    TlsEvent b = decode("wrk", v4(2, 41000, 8443));
    assertSame(a.comm(), b.comm());
    assertSame(a.tuple(), b.tuple());
    TlsEvent c = decode("wrk", v4(2, 41001, 8443));
    assertEquals(41001, c.tuple().sourcePort());
    TlsEvent d = decode("wrk", v4(3, 41000, 8443));
    assertEquals(3, d.tuple().destination()[3]);
  }
}
