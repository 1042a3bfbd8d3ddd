package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ElfSymbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Programs built during the run with gcc and go, probed as files. */
class FixtureProbeTest {

  private final BinaryProber prober = new BinaryProber();

  private static Set<String> codes(ProbeResult r) {
    return r.reasons().stream().map(Reason::code).collect(Collectors.toSet());
  }

  private static UprobeTarget target(ProbeResult r, String symbol) {
    return r.uprobeTargets().stream().filter(t -> t.symbol().equals(symbol)).findFirst().orElseThrow();
  }

  @Test
  void dynamicOpensslResolvesLibssl() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().opensslDynamic());
    assertNull(r.error());
    assertEquals(TlsLibraryKind.OPENSSL, r.library());
    assertEquals(Linkage.DYNAMIC, r.linkage());
    assertTrue(r.libraryVersion().startsWith("3."), r.libraryVersion());
    assertTrue(target(r, "SSL_write").file().contains("libssl.so.3"), r.toString());
    assertTrue(target(r, "SSL_read_ex").isResolved());
    assertTrue(codes(r).containsAll(Set.of("TLS_DYNAMIC_OPENSSL", "UPROBE_TARGETS_OK")), codes(r).toString());
    assertFalse(r.stripped());
    assertEquals(40, r.buildId().length());
  }

  @Test
  void staticOpensslWithSymbols() throws Exception {
    Path exe = SharedFixtures.get().opensslStatic();
    ProbeResult r = prober.probeFile(exe);
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.STATIC, r.linkage());
    assertTrue(codes(r).contains("TLS_STATIC_OPENSSL_SYMBOLS"), codes(r).toString());
    // the version text comes with OpenSSL_version's object file, which a static link may leave out
    assertTrue(r.libraryVersion() == null || r.libraryVersion().startsWith("3."), r.libraryVersion());
    UprobeTarget w = target(r, "SSL_write");
    assertEquals(exe.toString(), w.file());
    try (ElfFile elf = ElfFile.open(exe)) {
      ElfSymbol s = elf.symtab().exact("SSL_write");
      assertEquals(s.fileOffset(), w.offset());
      // the offset is where the function's bytes are: file bytes at it equal the bytes at its vaddr
      assertTrue(w.offset() > 0 && w.offset() < elf.fileSize());
    }
  }

  @Test
  void staticStrippedIsReportedWithoutTargets() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().opensslStaticStripped());
    assertNull(r.error());
    assertTrue(r.stripped());
    assertTrue(Set.of(TlsLibraryKind.OPENSSL, TlsLibraryKind.UNKNOWN).contains(r.library()), r.toString());
    assertTrue(codes(r).contains("TLS_STATIC_STRIPPED"), codes(r).toString());
    assertTrue(r.uprobeTargets().stream().noneMatch(UprobeTarget::isResolved));
    if (!r.uprobeTargets().isEmpty()) {
      assertTrue(codes(r).contains("UPROBE_TARGETS_MISSING"));
    }
  }

  @Test
  void dlopenOnlyFileShowsNoTls() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().dlopenSsl());
    assertEquals(TlsLibraryKind.NONE, r.library(), "dlopen is invisible in the file: " + r);
    assertTrue(codes(r).contains("TLS_NONE"));
  }

  @Test
  void goWithSymbols() throws Exception {
    Path exe = SharedFixtures.get().goTls();
    ProbeResult r = prober.probeFile(exe);
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library(), r.toString());
    assertEquals(Linkage.STATIC, r.linkage());
    assertTrue(r.goVersion().startsWith("go1."), r.goVersion());
    assertFalse(r.goBoringCrypto());
    assertFalse(r.stripped());
    assertTrue(target(r, "crypto/tls.(*Conn).Write").isResolved());
    assertTrue(codes(r).containsAll(Set.of("TLS_GO", "UPROBE_TARGETS_OK")));
  }

  @Test
  void goStrippedResolvesFromPclntabAtTheSameOffsets() throws Exception {
    ProbeResult full = prober.probeFile(SharedFixtures.get().goTls());
    ProbeResult stripped = prober.probeFile(SharedFixtures.get().goTlsStripped());
    assertTrue(stripped.stripped());
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, stripped.library(), stripped.toString());
    assertEquals(full.goVersion(), stripped.goVersion());
    for (String s : List.of("crypto/tls.(*Conn).Write", "crypto/tls.(*Conn).Read")) {
      // -s -w drops only symbols and DWARF: code layout, and so the offsets, stay the same
      assertEquals(target(full, s).offset(), target(stripped, s).offset(), s);
    }
  }

  @Test
  void goStrippedPieFindsPclntab() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().goTlsPie());
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library(), r.toString());
    assertTrue(target(r, "crypto/tls.(*Conn).Read").isResolved(), r.toString());
  }

  @Test
  void goBoringCrypto() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().goBoring());
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library(), r.toString());
    assertTrue(r.goBoringCrypto(), r.toString());
    assertTrue(codes(r).contains("TLS_GO_BORINGCRYPTO"));
    assertTrue(target(r, "crypto/tls.(*Conn).Write").isResolved());
  }

  @Test
  void goWithoutCryptoTlsIsNone() throws Exception {
    ProbeResult r = prober.probeFile(SharedFixtures.get().goPlain());
    assertEquals(TlsLibraryKind.NONE, r.library(), r.toString());
    assertNotNull(r.goVersion());
    assertTrue(codes(r).contains("TLS_GO_NO_CRYPTO_TLS"));
  }

  @Test
  void cacheReturnsQuicklyAndIsInvalidatedByChange() throws Exception {
    Path exe = SharedFixtures.get().opensslDynamic();
    ProbeResult first = prober.probeFile(exe);
    long t0 = System.nanoTime();
    ProbeResult again = prober.probeFile(exe);
    long micros = (System.nanoTime() - t0) / 1000;
    assertEquals(first, again);
    assertTrue(micros < 50_000, "cached probe took " + micros + " µs");
  }
}
