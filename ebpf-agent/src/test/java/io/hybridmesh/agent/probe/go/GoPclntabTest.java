package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** pclntab layouts built by hand (1.16, 1.18) and the real one from Debian's Go, checked against .symtab. */
class GoPclntabTest {

  private static final String WRITE = "crypto/tls.(*Conn).Write";
  private static final byte[] NAMES = ("\0main.main\0" + WRITE + "\0").getBytes(StandardCharsets.UTF_8);

  @Test
  void go116Layout() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(208).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0xfffffffa).put(6, (byte) 1).put(7, (byte) 8);
    b.putLong(8, 2).putLong(24, 64).putLong(56, 128);
    b.put(64, NAMES);
    long[][] ftab = {{0x401000, 48}, {0x402000, 64}, {0x403000, 0}};
    for (int i = 0; i < 3; i++) {
      b.putLong(128 + 16 * i, ftab[i][0]).putLong(136 + 16 * i, ftab[i][1]);
    }
    b.putLong(176, 0x401000).putInt(184, 1);
    b.putLong(192, 0x402000).putInt(200, 11);
    GoPclntab t = GoPclntab.parse(null, b.array(), 0);
    assertEquals("go1.16", t.formatName());
    assertEquals(Map.of(WRITE, 0x402000L), t.entries(Set.of(WRITE, "crypto/tls.(*Conn).Read")));
  }

  @Test
  void go118Layout() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(168).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0xfffffff0).put(6, (byte) 1).put(7, (byte) 8);
    b.putLong(8, 2).putLong(24, 0x400000).putLong(32, 72).putLong(64, 128);
    b.put(72, NAMES);
    b.putInt(128, 0x100).putInt(132, 24).putInt(136, 0x200).putInt(140, 32).putInt(144, 0x300);
    b.putInt(152, 0x100).putInt(156, 1).putInt(160, 0x200).putInt(164, 11);
    assertEquals(Map.of(WRITE, 0x400200L), GoPclntab.parse(null, b.array(), 0).entries(Set.of(WRITE)));
    // Bounded by the next entry of the table (the function after it, or the end of the last one).
    assertEquals(new GoFunction(WRITE, 0x400200L, 0x400300L),
        GoPclntab.parse(null, b.array(), 0).functions(Set.of(WRITE)).get(WRITE));
    b.putLong(8, 1L << 60);
    ElfException e = assertThrows(ElfException.class, () -> GoPclntab.parse(null, b.array(), 0));
    assertTrue(e.getMessage().contains("functions"), e.getMessage());
  }

  @Test
  void realTableAgreesWithSymtab() throws Exception {
    try (ElfFile elf = ElfFile.open(SharedFixtures.get().goTls())) {
      GoPclntab t = GoPclntab.find(elf).orElseThrow();
      assertTrue(t.functionCount() > 1000);
      Map<String, Long> pcs = t.entries(Set.of(WRITE, "crypto/tls.(*Conn).Read", "main.main"));
      assertEquals(3, pcs.size(), pcs.toString());
      for (Map.Entry<String, Long> e : pcs.entrySet()) {
        assertEquals(elf.symtab().exact(e.getKey()).value(), e.getValue(), e.getKey());
      }
      // The end the table gives is where the symbol table says the function ends, rounded up to Go's
      // function alignment (32 bytes on amd64), the padding being int3s.
      GoFunction write = t.functions(Set.of(WRITE)).get(WRITE);
      long size = elf.symtab().exact(WRITE).size();
      assertTrue(write.size() >= size && write.size() - size < 32, write + " vs symbol size " + size);
      GoBuildInfo bi = GoBuildInfoReader.read(elf).orElseThrow();
      assertTrue(bi.version().startsWith("go1."), bi.version());
      assertEquals("example.com/go-tls", bi.mainPath());
      assertTrue(bi.settings().containsKey("GOOS"), bi.settings().toString());
    }
  }
}
