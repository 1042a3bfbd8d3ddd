package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser's shape: BoringSSL compiled into a stripped executable, while the executable links another
 * TLS library for something else (Chromium links NSS for certificates). The stack inside the
 * executable is the one the program uses, and nothing in it can be probed.
 */
class BrowserLikeBinaryTest {

  private static final String SOURCE = """
      #include <stdio.h>
      #include <gnutls/gnutls.h>
      /* What BoringSSL leaves in a stripped binary's read-only data. */
      const char *const kVersion = "BoringSSL";
      int main(void) { printf("%s %s\\n", kVersion, gnutls_check_version(NULL)); return 0; }
      """;

  @TempDir Path dir;

  @Test
  void itsOwnStrippedBoringSslComesBeforeTheLibraryItLinks() throws Exception {
    Path exe = Fixtures.strip(Fixtures.gcc(dir, "browser", SOURCE, "-lgnutls"), dir.resolve("browser-stripped"));

    ProbeResult r = new BinaryProber().probeFile(exe);

    assertEquals(TlsLibraryKind.BORINGSSL, r.library(), r.toString());
    assertEquals(Linkage.STATIC, r.linkage());
    assertTrue(r.stripped());
    assertFalse(r.uprobeTargets().stream().anyMatch(UprobeTarget::isResolved), "nothing to probe");
    assertTrue(r.libraries().stream().anyMatch(l -> l.kind() == TlsLibraryKind.GNUTLS), "the linked one is listed");
  }

  @Test
  void textNamingALibraryItAlsoLinksIsAboutThatLibrary() throws Exception {
    String source = SOURCE.replace("\"BoringSSL\"", "\"GnuTLS 3.7.9\"");
    Path exe = Fixtures.strip(Fixtures.gcc(dir, "tool", source, "-lgnutls"), dir.resolve("tool-stripped"));
    assertEquals(TlsLibraryKind.GNUTLS, new BinaryProber().probeFile(exe).library());
  }
}
