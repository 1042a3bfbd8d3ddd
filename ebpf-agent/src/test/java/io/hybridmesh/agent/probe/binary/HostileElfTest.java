package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ProgramHeader;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made hostile and corrupt inputs (the "Bad input" list), each probed end to end. */
class HostileElfTest {

  @TempDir
  Path tmp;

  private final BinaryProber prober = new BinaryProber();

  /** Probes {@code bytes} and checks the universal promises: no exception, quick, a result either way. */
  private ProbeResult probe(String name, byte[] bytes) throws Exception {
    Path f = tmp.resolve(name);
    Files.write(f, bytes);
    long t0 = System.nanoTime();
    ProbeResult r = prober.probeFile(f);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertNotNull(r);
    assertTrue(ms < 2000, name + " took " + ms + " ms");
    assertTrue(r.error() != null || !r.reasons().isEmpty(), name);
    return r;
  }

  private static byte[] copy(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Section section(Path p, String name) throws Exception {
    try (ElfFile e = ElfFile.open(p)) {
      return e.section(name).orElseThrow();
    }
  }

  private static long shdrOffset(byte[] b, int index) {
    ByteBuffer h = le(b);
    return h.getLong(40) + (long) index * (h.getShort(58) & 0xffff);
  }

  @Test
  void notElfAndTinyFiles() throws Exception {
    assertEquals("NOT_ELF", probe("empty", new byte[0]).reasons().get(0).code());
    assertEquals("NOT_ELF", probe("script", "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.UTF_8))
        .reasons().get(0).code());
    assertNotNull(probe("ident-only", Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 16)).error());
    assertNotNull(probe("bad-class", Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F', 9, 1, 1}, 64)).error());
    assertNotNull(probe("bad-order", Arrays.copyOf(new byte[] {0x7f, 'E', 'L', 'F', 2, 7, 1}, 64)).error());
  }

  @Test
  void millionsOfProgramHeadersThroughPnXnum() throws Exception {
    byte[] b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putShort(56, (short) 0xffff); // PN_XNUM: the real count is section 0's sh_info
    le(b).putInt((int) shdrOffset(b, 0) + 44, 5_000_000);
    ProbeResult r = probe("pn-xnum", b);
    assertNotNull(r.error());
    assertTrue(r.error().contains("program headers"), r.error());
  }

  @Test
  void millionsOfSectionsAreIgnoredAndTheLoaderViewStillWorks() throws Exception {
    byte[] b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putShort(60, (short) 0); // e_shnum 0: the real count is section 0's sh_size
    le(b).putLong((int) shdrOffset(b, 0) + 32, 10_000_000L);
    ProbeResult r = probe("many-sections", b);
    assertNull(r.error(), r.toString());
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), "PT_DYNAMIC still names libssl: " + r);
    assertTrue(r.reasons().stream().anyMatch(x -> x.code().equals("PARTIAL_ANALYSIS")));
  }

  @Test
  void headerTablesPastEndOfFile() throws Exception {
    byte[] b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putLong(32, Long.MAX_VALUE - 8); // e_phoff
    assertNotNull(probe("phoff", b).error());
    b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putLong(40, 0x7fff_ffff_0000L); // e_shoff
    ProbeResult r = probe("shoff", b);
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putLong(40, -1L); // e_shoff = 2^64-1
    probe("shoff-neg", b);
  }

  @Test
  void zeroSizeEntries() throws Exception {
    byte[] b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putShort(54, (short) 0); // e_phentsize
    assertNotNull(probe("phentsize0", b).error());
    b = copy(SharedFixtures.get().opensslDynamic());
    le(b).putShort(58, (short) 0); // e_shentsize
    assertNull(probe("shentsize0", b).error());
  }

  @Test
  void symbolTableOffsetsSizesAndLinksGoneWrong() throws Exception {
    Path src = SharedFixtures.get().opensslStatic();
    Section symtab = section(src, ".symtab");
    long[][] patches = {
        {32, 0x7fff_ffff_ffffL}, // sh_size huge
        {24, 0x7fff_ffff_0000L}, // sh_offset past EOF
        {40, symtab.index()}, // sh_link to itself: overlapping tables
        {40, 60_000}, // sh_link to a section that does not exist
        {56, 0}, // entsize 0
        {56, 7}, // entsize wrong
    };
    for (long[] p : patches) {
      byte[] b = copy(src);
      int at = (int) shdrOffset(b, symtab.index()) + (int) p[0];
      if (p[0] == 40) {
        le(b).putInt(at, (int) p[1]);
      } else {
        le(b).putLong(at, p[1]);
      }
      ProbeResult r = probe("symtab-" + p[0] + "-" + p[1], b);
      assertNull(r.error(), r.toString());
    }
  }

  @Test
  void stringTablesWithoutTerminators() throws Exception {
    Path src = SharedFixtures.get().opensslDynamic();
    for (String name : new String[] {".dynstr", ".strtab", ".shstrtab"}) {
      Section s = section(src, name);
      byte[] b = copy(src);
      Arrays.fill(b, (int) s.offset(), (int) (s.offset() + s.size()), (byte) 'A');
      ProbeResult r = probe("noterm" + name, b);
      assertNull(r.error(), name + ": " + r);
    }
  }

  @Test
  void dynamicSectionWithoutNullAndWildStringOffsets() throws Exception {
    Path src = SharedFixtures.get().opensslDynamic();
    byte[] b = copy(src);
    long off;
    long size;
    try (ElfFile e = ElfFile.open(src)) {
      ProgramHeader d = e.programHeaders().stream().filter(p -> p.type() == ProgramHeader.PT_DYNAMIC)
          .findFirst().orElseThrow();
      off = d.offset();
      size = d.fileSize();
    }
    ByteBuffer v = le(b);
    for (long o = off; o + 16 <= off + size; o += 16) {
      v.putLong((int) o, 1); // every entry DT_NEEDED, no DT_NULL
      v.putLong((int) o + 8, 0x7fff_ffff_ffffL);
    }
    ProbeResult r = probe("dynamic-wild", b);
    assertNull(r.error(), r.toString());
  }

  @Test
  void notesWithHugeSizes() throws Exception {
    Path src = SharedFixtures.get().opensslDynamic();
    Section note = section(src, ".note.gnu.build-id");
    byte[] b = copy(src);
    le(b).putInt((int) note.offset(), 0x7fffffff); // namesz
    le(b).putInt((int) note.offset() + 4, -1); // descsz
    ProbeResult r = probe("note-huge", b);
    assertNull(r.error());
    assertNull(r.buildId());
  }

  @Test
  void goTablesWithHugeCounts() throws Exception {
    Path src = SharedFixtures.get().goTlsStripped();
    Section pcln = section(src, ".gopclntab");
    byte[] b = copy(src);
    le(b).putLong((int) pcln.offset() + 8, 1L << 62); // nfunc
    ProbeResult r = probe("pclntab-nfunc", b);
    assertNull(r.error(), r.toString());
    assertTrue(r.uprobeTargets().stream().noneMatch(UprobeTarget::isResolved), r.toString());
    assertTrue(r.uprobeTargets().get(0).unresolvedReason().contains("pclntab"), r.toString());

    b = copy(src);
    le(b).putLong((int) pcln.offset() + 8 + 8 * 7, Long.MAX_VALUE); // functab offset
    assertNull(probe("pclntab-functab", b).error());

    Section bi = section(src, ".go.buildinfo");
    b = copy(src);
    Arrays.fill(b, (int) bi.offset() + 32, (int) bi.offset() + 48, (byte) 0xff); // endless varint
    ProbeResult r2 = probe("buildinfo-varint", b);
    assertNull(r2.error(), r2.toString());
  }
}
