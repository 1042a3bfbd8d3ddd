package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.jni.testing.Requirements;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Binaries installed on the machine (scripts/install-deps.sh installs what the image lacks). */
class SystemBinariesTest {

  private final BinaryProber prober = new BinaryProber();

  private ProbeResult probe(String path) {
    Requirements.requireFile(Path.of(path));
    ProbeResult r = prober.probeFile(Path.of(path));
    assertNull(r.error(), r.toString());
    return r;
  }

  @Test
  void curlReportsOpensslNearestAndGnutlsToo() {
    ProbeResult r = probe("/usr/bin/curl");
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.DYNAMIC, r.linkage());
    assertTrue(r.uprobeTargets().stream().allMatch(UprobeTarget::isResolved));
    boolean gnutls = r.libraries().stream().anyMatch(l -> l.kind() == TlsLibraryKind.GNUTLS);
    boolean rtmp = r.libraries().size() > 1 || !gnutls;
    assertTrue(rtmp, "GnuTLS via librtmp is listed as well when present: " + r.libraries());
  }

  @Test
  void opensslCli() {
    ProbeResult r = probe("/usr/bin/openssl");
    assertEquals(TlsLibraryKind.OPENSSL, r.library());
    assertEquals(Linkage.DYNAMIC, r.linkage());
    assertTrue(r.libraryVersion().startsWith("3."), r.libraryVersion());
  }

  @Test
  void javaIsJsse() {
    ProbeResult r = probe(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    assertEquals(TlsLibraryKind.JSSE, r.library(), r.toString());
  }

  @Test
  void nodeCarriesStaticOpensslWithSymbols() {
    ProbeResult r = probe("/usr/bin/node");
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.STATIC, r.linkage());
    assertTrue(r.uprobeTargets().stream().filter(t -> t.symbol().equals("SSL_write")).allMatch(
        UprobeTarget::isResolved));
    assertTrue(r.libraryVersion().matches("\\d+\\.\\d+\\.\\d+.*"), r.libraryVersion());
  }

  @Test
  void debiansLibsslIsProbedWhereBothFormsMeetOnAnEmulatedInstruction() {
    // OpenSSL 3.0 as Debian builds it: SSL_write and SSL_read begin with sub (single-stepped); each pair
    // calls one internal function that begins with push (emulated since 4.16).
    ProbeResult r = probe("/usr/lib/x86_64-linux-gnu/libssl.so.3");
    for (String[] pair : new String[][] {{"SSL_write", "SSL_write_ex"}, {"SSL_read", "SSL_read_ex"}}) {
      UprobeTarget plain = target(r, pair[0]);
      UprobeTarget ex = target(r, pair[1]);
      assertEquals(plain.probeOffset(), ex.probeOffset(), "one site for both forms");
      assertTrue(!plain.probeOffset().equals(plain.offset()), "not the entry: " + plain);
      assertEquals(ProbeCost.EMULATED, plain.cost(), plain.site());
      assertTrue(plain.instruction().startsWith("push"), plain.instruction());
    }
  }

  @Test
  void nodesOwnOpensslIsProbedAtItsEntriesWhichPush() {
    ProbeResult r = probe("/usr/bin/node");
    for (String f : new String[] {"SSL_write", "SSL_read", "SSL_write_ex", "SSL_read_ex"}) {
      UprobeTarget t = target(r, f);
      assertEquals(t.offset(), t.probeOffset(), t.site());
      assertEquals(ProbeCost.EMULATED, t.cost(), t.site());
    }
  }

  private static UprobeTarget target(ProbeResult r, String symbol) {
    return r.uprobeTargets().stream().filter(t -> t.symbol().equals(symbol)).findFirst().orElseThrow();
  }

  @Test
  void kubectlIsGo() {
    ProbeResult r = probe("/usr/bin/kubectl");
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library(), r.toString());
    assertTrue(r.goVersion().startsWith("go1."));
    assertTrue(r.uprobeTargets().stream().allMatch(UprobeTarget::isResolved), r.toString());
  }

  @Test
  void lsHasNoTls() {
    ProbeResult r = probe("/bin/ls");
    assertEquals(TlsLibraryKind.NONE, r.library());
  }
}
