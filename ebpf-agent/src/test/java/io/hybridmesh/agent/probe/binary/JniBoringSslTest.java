package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.Fixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ElfSymbol;
import io.hybridmesh.jni.testing.Requirements;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JNI library with BoringSSL linked in: netty-tcnative-boringssl-static (a test dependency), whose
 * {@code libnetty_tcnative_linux_x86_64.so} exports only JNI_OnLoad and keeps SSL_write/SSL_read as local
 * symbols in .symtab. Also its stripped copy, and a JVM that has loaded it.
 */
class JniBoringSslTest {

  static final String SO = "libnetty_tcnative_linux_x86_64.so";

  @TempDir
  Path tmp;

  private final BinaryProber prober = new BinaryProber();

  /** Copies the library out of the jar on the test classpath, under its own name (its JNI_OnLoad checks it). */
  static Path extract(Path dir) throws Exception {
    String arch = System.getProperty("os.arch");
    Requirements.require(arch.equals("amd64") || arch.equals("x86_64"),
        "netty-tcnative's linux-x86_64 library needs an x86-64 machine, not " + arch);
    try (InputStream in = JniBoringSslTest.class.getResourceAsStream("/META-INF/native/" + SO)) {
      assertNotNull(in, SO + " is not on the test classpath (netty-tcnative-boringssl-static:linux-x86_64)");
      Path out = dir.resolve(SO);
      Files.copy(in, out);
      return out;
    }
  }

  private static Set<String> codes(ProbeResult r) {
    return r.reasons().stream().map(Reason::code).collect(Collectors.toSet());
  }

  private static UprobeTarget target(ProbeResult r, String symbol) {
    return r.uprobeTargets().stream().filter(t -> t.symbol().equals(symbol)).findFirst().orElseThrow();
  }

  @Test
  void jniLibraryIsStaticBoringSslResolvedFromSymtab() throws Exception {
    Path so = extract(tmp);
    ProbeResult r = prober.probeFile(so);
    assertNull(r.error(), r.toString());
    assertEquals(TlsLibraryKind.BORINGSSL, r.library(), r.toString());
    assertEquals(Linkage.STATIC, r.linkage());
    assertFalse(r.stripped());
    assertNotNull(r.buildId());
    assertTrue(r.libraries().stream().noneMatch(l -> l.kind() == TlsLibraryKind.OPENSSL), r.toString());
    assertTrue(codes(r).containsAll(Set.of("TLS_BORINGSSL", "UPROBE_TARGETS_OK")), codes(r).toString());
    try (ElfFile elf = ElfFile.open(so)) {
      for (String fn : List.of("SSL_write", "SSL_read")) {
        UprobeTarget t = target(r, fn);
        assertTrue(t.isResolved(), t.toString());
        assertEquals(so.toString(), t.file());
        assertNull(elf.dynsym().exact(fn), fn + " is not exported: the offset must come from .symtab");
        ElfSymbol s = elf.symtab().exact(fn);
        assertNotNull(s, fn + " in .symtab");
        assertEquals(elf.vaddrToOffset(s.value()), t.offset().longValue(), fn);
        assertEquals(binutilsOffset(so, fn), t.offset().longValue(), fn + " against nm/readelf");
      }
    }
  }

  @Test
  void strippedJniLibraryIsNeverOpensslWithBogusOffsets() throws Exception {
    Path so = extract(tmp);
    Path stripped = Fixtures.strip(so, tmp.resolve("stripped-" + SO));
    ProbeResult r = prober.probeFile(stripped);
    assertNull(r.error(), r.toString());
    assertTrue(r.stripped());
    assertTrue(r.library() == TlsLibraryKind.BORINGSSL || r.library() == TlsLibraryKind.UNKNOWN, r.toString());
    assertTrue(r.libraries().stream().noneMatch(l -> l.kind() == TlsLibraryKind.OPENSSL), r.toString());
    assertTrue(r.uprobeTargets().stream().noneMatch(UprobeTarget::isResolved), r.toString());
    assertTrue(codes(r).contains("TLS_STATIC_STRIPPED"), codes(r).toString());
    assertFalse(codes(r).contains("UPROBE_TARGETS_OK"), codes(r).toString());
  }

  /** A JVM that loaded netty-tcnative: BoringSSL (DLOPEN) is what its TLS goes through, not JSSE. */
  @Test
  void jvmWithNettyTcnativeLoadedIsDlopenBoringSsl() throws Exception {
    Path so = extract(tmp);
    Path src = tmp.resolve("LoadTcnative.java");
    Files.writeString(src, """
        public class LoadTcnative {
          public static void main(String[] a) throws Exception {
            System.load(a[0]);
            System.out.println("loaded");
            System.out.flush();
            Thread.sleep(60_000);
          }
        }
        """);
    String classes = System.getProperty("java.class.path");
    Requirements.require(classes.contains("netty-tcnative-classes"),
        "netty-tcnative-classes is not on the classpath (a dependency of netty-tcnative-boringssl-static)");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classes,
        src.toString(), so.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertEquals("loaded", line, "the child JVM could not load " + SO);
      ProbeResult r = prober.probeProcess((int) p.pid());
      assertNull(r.error(), r.toString());
      assertEquals(TlsLibraryKind.BORINGSSL, r.library(), r.toString());
      assertEquals(Linkage.DLOPEN, r.linkage(), r.toString());
      assertTrue(target(r, "SSL_write").isResolved() && target(r, "SSL_read").isResolved(), r.toString());
      assertTrue(target(r, "SSL_write").file().endsWith(SO), r.toString());
      assertTrue(r.libraries().stream().anyMatch(l -> l.kind() == TlsLibraryKind.JSSE), "JSSE listed too");
    } finally {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  /** File offset of {@code fn} computed with binutils: nm's address mapped through readelf's PT_LOADs. */
  private static long binutilsOffset(Path so, String fn) throws Exception {
    Requirements.requireTool("nm");
    Requirements.requireTool("readelf");
    long addr = -1;
    for (String l : Fixtures.run(so.getParent(), Map.of(), List.of("nm", so.toString())).split("\n")) {
      String[] f = l.trim().split("\\s+");
      if (f.length == 3 && f[2].equals(fn)) {
        addr = Long.parseUnsignedLong(f[0], 16);
      }
    }
    assertNotEquals(-1L, addr, fn + " in nm");
    List<long[]> loads = new ArrayList<>();
    for (String l : Fixtures.run(so.getParent(), Map.of(), List.of("readelf", "-lW", so.toString())).split("\n")) {
      String[] f = l.trim().split("\\s+");
      if (f.length > 5 && f[0].equals("LOAD")) {
        loads.add(new long[] {Long.decode(f[1]), Long.decode(f[2]), Long.decode(f[4])});
      }
    }
    for (long[] s : loads) {
      if (addr >= s[1] && addr < s[1] + s[2]) {
        return addr - s[1] + s[0];
      }
    }
    throw new AssertionError(fn + " at 0x" + Long.toHexString(addr) + " is in no PT_LOAD");
  }
}
