package io.hybridmesh.agent.probe.go;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
  void returnsAreTheRetsGoObjdumpShowsAndReadsUnlockStandsForThoseAfterItsDeferredCall() throws Exception {
    Path bin = SharedFixtures.get().goTls();
    GoTls go = analyze(bin);
    assertNull(go.refusal(), go.refusalReason());
    assertEquals(GoTls.FROM_SYMBOLS, go.functionsFrom());
    assertEquals("DWARF", go.offsets().source());
    try (ElfFile elf = ElfFile.open(bin)) {
      for (GoTlsFunction f : go.functions()) {
        Set<Long> rets = new TreeSet<>();
        Set<Long> afterDeferredCall = new TreeSet<>();
        String listing = Fixtures.run(bin.getParent(), Map.of("GOCACHE", bin.getParent().resolve("gocache").toString()),
            List.of("go", "tool", "objdump", "-s", Pattern.quote(f.name()) + "$", bin.toString()));
        Matcher m = Pattern.compile("\\s0x([0-9a-f]+)\\s+c3\\s+RET").matcher(listing);
        while (m.find()) {
          long ret = elf.vaddrToOffset(Long.parseLong(m.group(1), 16));
          rets.add(ret);
          // Go's listing: the deferred closure is called with CALL AX, then the results are loaded and the frame
          // popped; a RET or a jump in between would be another path.
          String before = listing.substring(Math.max(0, m.start() - 600), m.start());
          String tail = before.substring(before.lastIndexOf("CALL") < 0 ? 0 : before.lastIndexOf("CALL"));
          if (tail.startsWith("CALL AX") && !tail.contains("RET") && !tail.contains("JMP")) {
            afterDeferredCall.add(ret);
          }
        }
        assertTrue(rets.size() >= 2, listing);
        Set<Long> probed = new TreeSet<>(f.returns().stream().map(ProbeSite::offset).toList());
        if (f.write()) {
          assertNull(f.unlock());
          assertEquals(rets, probed, f.name());
        } else {
          // Read: the rets its deferred unlock stands for get no probe; every other ret keeps its own.
          assertFalse(afterDeferredCall.isEmpty(), listing);
          assertEquals(afterDeferredCall, new TreeSet<>(f.unlock().replacedReturns()), listing);
          Set<Long> rest = new TreeSet<>(rets);
          rest.removeAll(afterDeferredCall);
          assertEquals(rest, probed, f.name());
          Matcher load = Pattern.compile("CALL AX\\s*\\n.*MOVQ 0x([0-9a-f]+)\\(SP\\), AX").matcher(listing);
          assertTrue(load.find(), listing);
          assertEquals(Integer.parseInt(load.group(1), 16), f.unlock().resultSlot());
          String closure = Fixtures.run(bin.getParent(), Map.of("GOCACHE", bin.getParent().resolve("gocache")
              .toString()), List.of("go", "tool", "objdump", "-s", Pattern.quote(f.name() + ".func1") + "$",
              bin.toString()));
          Matcher at = Pattern.compile("\\s0x([0-9a-f]+)\\s+[0-9a-f]+\\s+JBE").matcher(closure);
          assertTrue(at.find(), closure);
          assertEquals(elf.vaddrToOffset(Long.parseLong(at.group(1), 16)), f.unlock().site().offset());
          assertEquals(ProbeCost.EMULATED, f.unlock().site().cost());
        }
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
