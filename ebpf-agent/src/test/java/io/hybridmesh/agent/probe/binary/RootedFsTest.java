package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Path resolution inside a container-like root: loops and escapes. */
class RootedFsTest {

  @TempDir
  Path root;

  @Test
  void symlinkLoopsFailQuickly() throws Exception {
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("a"));
    Files.createSymbolicLink(root.resolve("self"), Path.of("self/x"));
    RootedFs fs = new RootedFs(root);
    long t0 = System.nanoTime();
    assertTrue(fs.resolve("/a").isEmpty());
    assertTrue(fs.resolve("/self").isEmpty());
    assertTrue((System.nanoTime() - t0) < 1_000_000_000L);
    ProbeResult r = new BinaryProber().probeFile(root, "/a");
    assertNotNull(r.error());
  }

  @Test
  void absoluteAndDotDotLinksStayInsideTheRoot() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "inside");
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("usr/bin/abs"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(root.resolve("usr/bin/up"), Path.of("../../../../../../../etc/passwd"));
    RootedFs fs = new RootedFs(root);
    for (String p : new String[] {"/usr/bin/abs", "/usr/bin/up", "/../../etc/passwd"}) {
      RootedFs.Resolved r = fs.resolve(p).orElseThrow();
      assertEquals("/etc/passwd", r.inner());
      assertEquals("inside", Files.readString(r.host()), p);
    }
  }

  @Test
  void librariesResolveThroughLdSoConfIncludesAndOriginInsideTheRoot() throws Exception {
    Path exe = SharedFixtures.get().opensslDynamic();
    Files.createDirectories(root.resolve("app/bin"));
    Files.createDirectories(root.resolve("opt/ssl"));
    Files.createDirectories(root.resolve("etc/ld.so.conf.d"));
    Files.copy(exe, root.resolve("app/bin/client"));
    Files.copy(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"), root.resolve("opt/ssl/libssl.so.3"));
    Files.writeString(root.resolve("etc/ld.so.conf"), "# test\ninclude /etc/ld.so.conf.d/*.conf\n");
    Files.writeString(root.resolve("etc/ld.so.conf.d/ssl.conf"), "/opt/ssl\n");
    ProbeResult r = new BinaryProber().probeFile(root, "/app/bin/client");
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(root + "/opt/ssl/libssl.so.3", r.uprobeTargets().get(0).file());
    assertTrue(r.reasons().stream().anyMatch(x -> x.code().equals("LIBRARY_NOT_FOUND")),
        "libc and libcrypto are absent from this root: " + r.reasons());
  }
}
