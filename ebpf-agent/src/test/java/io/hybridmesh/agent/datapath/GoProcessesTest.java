package io.hybridmesh.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.probe.go.GoStructOffsets;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.agent.tls.TlsSite.GoRole;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What user space tells the Go programs about a process (struct hm_go_offsets), and which sites it probes. */
class GoProcessesTest {

  private static final String READ = "crypto/tls.(*Conn).Read";
  private static final String WRITE = "crypto/tls.(*Conn).Write";
  private static final GoStructOffsets OFFSETS = new GoStructOffsets(8, 0, 16, "table go1.19");
  private static final List<TlsSite> SITES = List.of(
      new TlsSite(true, 0x1009, false, List.of(WRITE), GoRole.ENTRY),
      new TlsSite(true, 0x1200, false, List.of(WRITE), GoRole.RETURN),
      new TlsSite(false, 0x2009, false, List.of(READ), GoRole.ENTRY),
      new TlsSite(false, 0x2104, false, List.of(READ), GoRole.RETURN),
      new TlsSite(false, 0x2404, false, List.of(READ), GoRole.READ_UNLOCK, new TlsSite.ReadFrame(0x20, 0x58)),
      new TlsSite(false, 0x3009, false, List.of("crypto/tls.(*Conn).serverHandshake"), GoRole.HANDSHAKE));

  private static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
  }

  @Test
  void readsAtTheirUnlockCarryTheFrameSlotsAndTheirFlag() {
    TlsSite.ReadFrame frame = GoProcesses.readFrame(SITES);
    assertEquals(new TlsSite.ReadFrame(0x20, 0x58), frame);
    ByteBuffer b = wrap(GoProcesses.encode(OFFSETS, 7, true, frame));
    assertEquals(HmAbi.GoOffsetsLayout.SIZE, b.capacity());
    assertEquals(8, b.getInt(HmAbi.GoOffsetsLayout.CONN_DATA));
    assertEquals(16, b.getInt(HmAbi.GoOffsetsLayout.NETFD_SYSFD));
    assertEquals(7, b.getInt(HmAbi.GoOffsetsLayout.ATTACH_ID));
    assertEquals(HmAbi.GoOffsetsLayout.F_WRITE_AT_SEND | HmAbi.GoOffsetsLayout.F_READ_AT_UNLOCK,
        b.getInt(HmAbi.GoOffsetsLayout.FLAGS));
    assertEquals(0x20, b.getShort(HmAbi.GoOffsetsLayout.READ_RESULT_SLOT));
    assertEquals(0x58, b.getShort(HmAbi.GoOffsetsLayout.READ_CLOSURE_SLOT));
  }

  @Test
  void withoutAnUnlockSiteReadsAreTakenAtTheirRetsAlone() {
    List<TlsSite> rets = SITES.stream().filter(s -> s.go() != GoRole.READ_UNLOCK).toList();
    assertNull(GoProcesses.readFrame(rets));
    ByteBuffer b = wrap(GoProcesses.encode(OFFSETS, 7, false, null));
    assertEquals(0, b.getInt(HmAbi.GoOffsetsLayout.FLAGS));
    assertEquals(0, b.getShort(HmAbi.GoOffsetsLayout.READ_RESULT_SLOT));
  }

  @Test
  void writesAtTheirSendDropWritesRetsOnly() {
    List<TlsSite> probed = GoProcesses.probed(SITES, true);
    assertEquals(List.of(0x1009L, 0x2009L, 0x2104L, 0x2404L, 0x3009L),
        probed.stream().map(TlsSite::fileOffset).toList());
    assertEquals(SITES, GoProcesses.probed(SITES, false));
  }

  @Test
  void eachRoleHasItsProgram() {
    assertEquals(List.of("hm_go_write_enter", "hm_go_return", "hm_go_read_enter", "hm_go_return",
        "hm_go_read_unlock", "hm_go_handshake_enter"), SITES.stream().map(TlsSite::entryProgram).toList());
    SITES.forEach(s -> assertEquals(true, TlsDatapath.GO_PROGRAMS.contains(s.entryProgram()), s.toString()));
    assertThrows(IllegalArgumentException.class,
        () -> new TlsSite(false, 1, false, List.of(READ), GoRole.READ_UNLOCK),
        "an unlock site without its frame slots");
  }
}
