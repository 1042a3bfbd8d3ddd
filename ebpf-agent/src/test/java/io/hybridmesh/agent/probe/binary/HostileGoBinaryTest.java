package io.hybridmesh.agent.probe.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.SharedFixtures;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Go binaries that lie: a release they are not, a function table cut short or pointing outside the code.
 * Each is refused with its reason code; none is probed.
 */
class HostileGoBinaryTest {

  private final BinaryProber prober = new BinaryProber();

  @Test
  void honestBuildsAreProbed() throws Exception {
    ProbeResult r = probe(Files.readAllBytes(SharedFixtures.get().goTlsStripped()));
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library());
    assertTrue(r.uprobeTargets().stream().allMatch(UprobeTarget::isResolved), r.toString());
    assertTrue(codes(r).contains("UPROBE_TARGETS_OK"), r.toString());
  }

  @Test
  void aReleaseWhoseFunctionTableLayoutItDoesNotWrite() throws Exception {
    // go1.19's table (the 1.18 layout) under a build info claiming go1.22 (the 1.20 layout).
    byte[] b = Files.readAllBytes(SharedFixtures.get().goTlsStripped());
    replaceVersion(b, "go1.22");
    assertRefused(probe(b), "GO_VERSION_INCONSISTENT", "not what it says");
  }

  @Test
  void aReleaseItsOwnDwarfContradicts() throws Exception {
    // go1.18 writes the same table layout as go1.19, but the DWARF's compiler says otherwise.
    byte[] b = Files.readAllBytes(SharedFixtures.get().goTls());
    replaceVersion(b, "go1.18");
    assertRefused(probe(b), "GO_VERSION_INCONSISTENT", "DWARF says");
  }

  @Test
  void anOlderReleaseMeansTheStackAbi() throws Exception {
    byte[] b = Files.readAllBytes(SharedFixtures.get().goTlsStripped());
    replaceVersion(b, "go1.16");
    assertRefused(probe(b), "GO_STACK_ABI_UNSUPPORTED", "stack");
  }

  @Test
  void aReleaseOutsideTheTableIsNotGuessed() throws Exception {
    byte[] b = Files.readAllBytes(SharedFixtures.get().goTlsStripped());
    replaceVersion(b, "go1.18"); // the same table layout as go1.19, but no row and no DWARF
    assertRefused(probe(b), "GO_VERSION_UNKNOWN_OFFSETS", "not guessed");
  }

  @Test
  void aFunctionTableCutShort() throws Exception {
    Path src = SharedFixtures.get().goTlsStripped();
    byte[] b = Files.readAllBytes(src);
    long at = section(src, ".gopclntab").offset();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) at + 8, 1L << 40); // nfunc
    assertRefused(probe(b), "GO_FUNCTION_TABLE_INVALID", "functions");
  }

  @Test
  void aFunctionTablePointingOutsideTheCode() throws Exception {
    Path src = SharedFixtures.get().goTlsStripped();
    byte[] b = Files.readAllBytes(src);
    long at = section(src, ".gopclntab").offset();
    // The 1.18 layout's textStart (header word 2): every function moves 64 GiB away from the code.
    ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    le.putLong((int) at + 24, le.getLong((int) at + 24) + (64L << 30));
    assertRefused(probe(b), "GO_FUNCTION_TABLE_INVALID", "not all in the binary's code");
  }

  @Test
  void aBodyThatDoesNotDecode() throws Exception {
    Path src = SharedFixtures.get().goTls();
    byte[] b = Files.readAllBytes(src);
    long write;
    try (ElfFile elf = ElfFile.open(src)) {
      write = elf.symtab().exact("crypto/tls.(*Conn).Write").fileOffset();
    }
    b[(int) write] = 0x06; // its first instruction becomes push %es: undefined in 64-bit mode
    assertRefused(probe(b), "GO_BODY_UNDECODABLE", "does not decode");
  }

  private static Section section(Path p, String name) throws Exception {
    try (ElfFile elf = ElfFile.open(p)) {
      return elf.section(name).orElseThrow();
    }
  }

  /** Rewrites the "go1.19" of the build info's version in place (same length, so nothing moves). */
  private static void replaceVersion(byte[] b, String release) {
    byte[] from = "go1.19".getBytes(StandardCharsets.US_ASCII);
    byte[] to = release.getBytes(StandardCharsets.US_ASCII);
    byte[] magic = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    int info = indexOf(b, magic, 0);
    assertTrue(info >= 0);
    int v = indexOf(b, from, info);
    assertTrue(v > info && v < info + 64, "the version follows the build info header");
    System.arraycopy(to, 0, b, v, to.length);
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = from; i <= hay.length - needle.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private ProbeResult probe(byte[] bytes) throws Exception {
    Path f = Files.createTempFile(SharedFixtures.get().dir(), "hostile-go", ".bin");
    try {
      Files.write(f, bytes);
      return prober.probeFile(f);
    } finally {
      Files.delete(f);
    }
  }

  private static java.util.List<String> codes(ProbeResult r) {
    return r.reasons().stream().map(Reason::code).toList();
  }

  private static void assertRefused(ProbeResult r, String code, String words) {
    assertEquals(TlsLibraryKind.GO_CRYPTO_TLS, r.library(), r.toString());
    Reason reason = r.reasons().stream().filter(x -> x.code().equals(code)).findFirst()
        .orElseThrow(() -> new AssertionError(code + " expected: " + r.reasons()));
    assertTrue(reason.message().contains(words), reason.message());
    assertTrue(r.uprobeTargets().stream().noneMatch(UprobeTarget::isResolved), "nothing probed: " + r);
    assertTrue(r.libraries().stream().filter(l -> l.go() != null).allMatch(l -> !l.go().probeable()));
  }
}
