package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The DWARF reader on a real Go build, on what objdump shows of it, and on DWARF that lies. */
class GoDwarfTest {

  @Test
  void membersOfTheStructsOfARealBuild() throws Exception {
    try (ElfFile elf = ElfFile.open(SharedFixtures.get().goTls())) {
      GoDwarf.Layout l = GoDwarf.read(elf, Set.of("internal/poll.FD", "internal/poll.fdMutex", "crypto/tls.Conn"))
          .orElseThrow();
      // As `objdump --dwarf=info` shows them (and as fd_unix.go and fd_mutex.go declare them).
      assertEquals(0L, l.structs().get("internal/poll.FD").get("fdmu"));
      assertEquals(16L, l.structs().get("internal/poll.FD").get("Sysfd"));
      assertEquals(Map.of("state", 0L, "rsema", 8L, "wsema", 12L), l.structs().get("internal/poll.fdMutex"));
      assertEquals(0L, l.structs().get("crypto/tls.Conn").get("conn"));
      assertTrue(l.structs().get("crypto/tls.Conn").get("isClient") >= 16);
      assertTrue(l.producer().matches("Go cmd/compile go1\\.\\d+.*; regabi.*"), l.producer());
    }
  }

  @Test
  void aStrippedBinaryHasNone() throws Exception {
    try (ElfFile elf = ElfFile.open(SharedFixtures.get().goTlsStripped())) {
      assertTrue(GoDwarf.read(elf, GoTlsAnalyzer.STRUCTS).isEmpty());
    }
  }

  @Test
  void abbreviationsThatLie() {
    // code 1, tag 0x13, children, (name, string), then a form this reader does not know.
    byte[] unknownForm = {1, 0x13, 1, 3, 8, 0x38, 0x7f, 0, 0, 0};
    ElfException e = assertThrows(ElfException.class, () -> skipAll(unknownForm, 0x7f));
    assertTrue(e.getMessage().contains("form 0x7f"), e.getMessage());
    assertThrows(ElfException.class, () -> DwarfAbbrevs.parse(new byte[] {1, 0x13}, 0));
    assertThrows(ElfException.class, () -> DwarfAbbrevs.parse(new byte[] {0}, 5));
    byte[] longLeb = new byte[20];
    java.util.Arrays.fill(longLeb, (byte) 0x80);
    assertThrows(ElfException.class, () -> DwarfAbbrevs.parse(longLeb, 0));
  }

  @Test
  void truncatedStreamsEndInAnErrorNotAnException() {
    DwarfInput in = new DwarfInput(new ByteArrayInputStream(new byte[] {(byte) 0x80, (byte) 0x80}));
    assertThrows(ElfException.class, in::uleb);
    DwarfInput s = new DwarfInput(new ByteArrayInputStream(new byte[] {'a', 'b'}));
    assertThrows(ElfException.class, s::cstring);
    DwarfInput k = new DwarfInput(new ByteArrayInputStream(new byte[4]));
    assertThrows(ElfException.class, () -> k.skip(100));
  }

  @Test
  void dwarfCutShortIsRefusedWithAReason() throws Exception {
    // The compressed .debug_info of a real build, cut in half: the stream ends before the units do.
    Path src = SharedFixtures.get().goTls();
    byte[] b = Files.readAllBytes(src);
    long offset;
    long size;
    try (ElfFile elf = ElfFile.open(src)) {
      var s = elf.section(".debug_info").orElseThrow();
      offset = s.offset();
      size = s.size();
    }
    for (long i = offset + size / 2; i < offset + size; i++) {
      b[(int) i] = 0;
    }
    Path f = Files.createTempFile(SharedFixtures.get().dir(), "dwarf-cut", ".bin");
    Files.write(f, b);
    try (ElfFile elf = ElfFile.open(f)) {
      ElfException e = assertThrows(ElfException.class, () -> GoDwarf.read(elf, Set.of("no.Such")));
      assertTrue(e.getMessage().contains("DWARF") || e.getMessage().contains("debug_info"), e.getMessage());
    } finally {
      Files.delete(f);
    }
  }

  private static void skipAll(byte[] abbrev, int form) throws ElfException {
    DwarfAbbrevs t = DwarfAbbrevs.parse(abbrev, 0);
    DwarfUnit u = new DwarfUnit(4, 4, 8, 0);
    DwarfUnit.skip(new DwarfInput(new ByteArrayInputStream(new byte[16])), t.get(1).forms()[1], u);
  }
}
