package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.Fixtures;
import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.agent.probe.site.ProbeSite;
import io.hybridmesh.api.kernel.KernelRelease;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Write and Read of real Go builds: found, bounded, decoded, and their returns where Go's own tools see them. */
class GoTlsAnalyzerTest {

  private static final KernelRelease K618 = KernelRelease.of(6, 18);

  static GoTls analyze(Path binary) throws Exception {
    try (ElfFile elf = ElfFile.open(binary)) {
      GoBuildInfo bi = GoBuildInfoReader.read(elf).orElse(null);
      GoPclntab tab = GoPclntab.find(elf).orElse(null);
      Map<String, Long> symbols = new java.util.HashMap<>();
      if (elf.symtab() != null) {
        for (String f : List.of(GoTlsAnalyzer.WRITE, GoTlsAnalyzer.READ)) {
          var s = elf.symtab().exact(f);
          if (s != null) {
            symbols.put(f, s.fileOffset());
          }
        }
      }
      return GoTlsAnalyzer.analyze(elf, bi, tab, null, symbols, K618);
    }
  }

  @Test
  void returnsAreEveryRetGoObjdumpShows() throws Exception {
    Path bin = SharedFixtures.get().goTls();
    GoTls go = analyze(bin);
    assertNull(go.refusal(), go.refusalReason());
    assertEquals(GoTls.FROM_SYMBOLS, go.functionsFrom());
    assertEquals("DWARF", go.offsets().source());
    try (ElfFile elf = ElfFile.open(bin)) {
      for (GoTlsFunction f : go.functions()) {
        Set<Long> rets = new TreeSet<>();
        String listing = Fixtures.run(bin.getParent(), Map.of("GOCACHE", bin.getParent().resolve("gocache").toString()),
            List.of("go", "tool", "objdump", "-s", Pattern.quote(f.name()) + "$", bin.toString()));
        Matcher m = Pattern.compile("\\s0x([0-9a-f]+)\\s+c3\\s+RET").matcher(listing);
        while (m.find()) {
          rets.add(elf.vaddrToOffset(Long.parseLong(m.group(1), 16)));
        }
        assertTrue(rets.size() >= 2, listing);
        assertEquals(rets, new TreeSet<>(f.returns().stream().map(ProbeSite::offset).toList()), f.name());
        assertTrue(f.returns().stream().allMatch(r -> r.cost() == ProbeCost.SINGLE_STEPPED));
        // Go 1.17+ prologue: the stack check's jbe, emulated, a few bytes past the entry.
        assertEquals(ProbeCost.EMULATED, f.entry().cost(), f.entry().reason());
        assertTrue(f.entry().offset() > f.entryOffset() && f.entry().offset() < f.entryOffset() + 16);
        assertTrue(f.entry().instruction().startsWith("jbe"), f.entry().instruction());
      }
    }
  }

  @Test
  void strippedAndPieBuildsGetTheSameSitesThroughThePclntabAndTheTable() throws Exception {
    SharedFixtures fx = SharedFixtures.get();
    GoTls full = analyze(fx.goTls());
    for (Path p : List.of(fx.goTlsStripped(), fx.goTlsPie())) {
      GoTls go = analyze(p);
      assertNull(go.refusal(), go.refusalReason());
      assertEquals(GoTls.FROM_PCLNTAB, go.functionsFrom());
      assertEquals("table go1.19", go.offsets().source());
      assertEquals(full.offsets().connData(), go.offsets().connData());
      assertEquals(full.offsets().netFdSysfd(), go.offsets().netFdSysfd());
      for (int i = 0; i < 2; i++) {
        GoTlsFunction a = full.functions().get(i);
        GoTlsFunction b = go.functions().get(i);
        assertEquals(a.size(), b.size(), p.toString());
        assertEquals(a.entry().offset() - a.entryOffset(), b.entry().offset() - b.entryOffset());
        assertEquals(a.returns().stream().map(r -> r.offset() - a.entryOffset()).toList(),
            b.returns().stream().map(r -> r.offset() - b.entryOffset()).toList());
      }
    }
  }

  @Test
  void boringCryptoIsReadTheSameWay() throws Exception {
    GoTls go = analyze(SharedFixtures.get().goBoring());
    assertNull(go.refusal(), go.refusalReason());
    assertEquals(2, go.functions().size());
  }
}
