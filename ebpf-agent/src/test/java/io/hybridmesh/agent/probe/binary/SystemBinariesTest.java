package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Binaries installed on the machine, where present. */
class SystemBinariesTest {

  private final BinaryProber prober = new BinaryProber();

  private ProbeResult probe(String path) {
    assumeTrue(Files.isRegularFile(Path.of(path)), path + " is not installed");
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
