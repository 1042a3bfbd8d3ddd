package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Go binaries damaged where the Go analysis reads: the function table, the build info, the bodies of Write and
 * Read, the DWARF. Whatever the damage, the result comes quickly and cleanly, and a binary still probed has
 * every site inside its code (never a probe outside the function it belongs to).
 */
class MutatedGoBinariesPropertyTest {

  record Region(long offset, long size) {}

  record Mutation(int fixture, int region, int bytes, long seed) {}

  private static byte[][] sources;
  private static List<List<Region>> regions;

  private static synchronized void load() throws Exception {
    if (sources != null) {
      return;
    }
    SharedFixtures f = SharedFixtures.get();
    List<Path> paths = List.of(f.goTls(), f.goTlsStripped());
    sources = new byte[paths.size()][];
    regions = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      sources[i] = Files.readAllBytes(paths.get(i));
      List<Region> r = new ArrayList<>();
      try (ElfFile elf = ElfFile.open(paths.get(i))) {
        for (String name : List.of(".gopclntab", ".go.buildinfo", ".debug_info", ".debug_abbrev")) {
          elf.section(name).ifPresent(s -> r.add(new Region(s.offset(), Math.min(s.size(), 1 << 16))));
        }
        Section text = elf.section(".text").orElseThrow();
        ProbeResult p = new BinaryProber().probeFile(paths.get(i));
        for (UprobeTarget t : p.uprobeTargets()) {
          if (t.isResolved() && !t.symbol().contains("+")) {
            r.add(new Region(t.offset(), 2048)); // the body of Write or Read
          }
        }
        r.add(new Region(text.offset(), 64));
      }
      regions.add(r);
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.integers().between(0, 6),
        Arbitraries.integers().between(1, 16), Arbitraries.longs()).as(Mutation::new);
  }

  @Property(tries = 150)
  void damageWhereGoIsReadGivesACleanRefusalOrSoundSites(@ForAll("mutations") Mutation m) throws Exception {
    load();
    byte[] b = sources[m.fixture()].clone();
    List<Region> rs = regions.get(m.fixture());
    Region r = rs.get(m.region() % rs.size());
    Random rnd = new Random(m.seed());
    for (int i = 0; i < m.bytes(); i++) {
      b[(int) (r.offset() + rnd.nextInt((int) Math.max(1, r.size())))] = (byte) rnd.nextInt(256);
    }
    Path f = Files.createTempFile(SharedFixtures.get().dir(), "mutgo", ".bin");
    try {
      Files.write(f, b);
      long t0 = System.nanoTime();
      ProbeResult p = new BinaryProber().probeFile(f);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertNotNull(p);
      assertTrue(ms < 3000, m + " took " + ms + " ms");
      assertTrue(p.reasons().stream().noneMatch(x -> x.message().contains("internal error")), p.toString());
      long textStart;
      long textEnd;
      try (ElfFile elf = ElfFile.open(f)) {
        Section text = elf.section(".text").orElse(null);
        textStart = text == null ? 0 : text.offset();
        textEnd = text == null ? b.length : text.offset() + text.size();
      } catch (Exception notElfAnyMore) {
        return;
      }
      for (TlsLibrary l : p.libraries()) {
        if (l.go() != null && l.go().probeable()) {
          for (var fn : l.go().functions()) {
            assertTrue(fn.entry().offset() >= fn.entryOffset() && fn.entry().offset() < fn.entryOffset() + fn.size());
            for (var ret : fn.returns()) {
              assertTrue(ret.offset() > fn.entryOffset() && ret.offset() < fn.entryOffset() + fn.size(), ret.toString());
              assertTrue(ret.offset() >= textStart && ret.offset() < textEnd, ret.toString());
              // Near and far returns alike (c3, c2, cb, ca): damage can turn a byte into a far return, and the
              // analyser reads every kind of return as one. A site starts at the instruction's first byte, which
              // may be a prefix (48 cb is lretq), so the opcode comes after any prefixes.
              int op = opcodeAfterPrefixes(b, (int) ret.offset());
              assertTrue(op == 0xc3 || op == 0xc2 || op == 0xcb || op == 0xca, ret.toString());
            }
          }
        }
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }

  private static int opcodeAfterPrefixes(byte[] b, int at) {
    int i = at;
    while (i < b.length && i - at < 15 && isPrefix(b[i] & 0xff)) {
      i++;
    }
    return i < b.length ? b[i] & 0xff : -1;
  }

  private static boolean isPrefix(int x) {
    return (x >= 0x40 && x <= 0x4f) || x == 0x66 || x == 0x67 || x == 0xf0 || x == 0xf2 || x == 0xf3
        || x == 0x2e || x == 0x36 || x == 0x3e || x == 0x26 || x == 0x64 || x == 0x65;
  }
}
