package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.Fixtures;
import io.hybridmesh.agent.probe.elf.ElfDynamic;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.jni.testing.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -Wl,-rpath,'$ORIGIN/lib'} with a private copy of libssl.so.3 in lib/ next to the program: the
 * prober must follow $ORIGIN as the loader does and report the copy, not the system libssl. Both tag kinds:
 * DT_RUNPATH ({@code --enable-new-dtags}, the default on Debian) and the older DT_RPATH.
 */
class OriginRunpathTest {

  @TempDir
  Path tmp;

  private static Optional<Path> systemLibssl() {
    for (String d : List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
        "/usr/lib64", "/lib64", "/usr/lib")) {
      Path p = Path.of(d, "libssl.so.3");
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"--enable-new-dtags", "--disable-new-dtags"})
  void originLibraryResolvesToThePrivateCopy(String dtags) throws Exception {
    Optional<Path> sys = systemLibssl();
    Requirements.require(sys.isPresent(), "no system libssl.so.3 to copy; scripts/install-deps.sh installs it");
    Path dir = tmp.toRealPath();
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path copy = Files.copy(sys.get().toRealPath(), lib.resolve("libssl.so.3"));
    Path exe = Fixtures.gcc(dir, "origin-ssl", Fixtures.SSL_CLIENT_C, "-Wl," + dtags, "-Wl,-rpath,$ORIGIN/lib",
        "-lssl", "-lcrypto");
    try (ElfFile elf = ElfFile.open(exe)) {
      var dyn = ElfDynamic.read(elf);
      String path = dtags.equals("--enable-new-dtags") ? dyn.runpath() : dyn.rpath();
      assertEquals("$ORIGIN/lib", path, "the fixture carries the literal $ORIGIN (" + dtags + ")");
    }
    ProbeResult r = new BinaryProber().probeFile(exe);
    assertNull(r.error(), r.toString());
    assertEquals(TlsLibraryKind.OPENSSL, r.library(), r.toString());
    assertEquals(Linkage.DYNAMIC, r.linkage());
    for (UprobeTarget t : r.uprobeTargets()) {
      assertTrue(t.isResolved(), t.toString());
      assertEquals(copy.toString(), t.file(), "resolved to the $ORIGIN copy, not " + sys.get());
    }
  }
}
