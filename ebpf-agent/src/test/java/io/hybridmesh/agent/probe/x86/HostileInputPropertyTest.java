package io.hybridmesh.agent.probe.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the bytes, decode returns an instruction of 1 to 15 bytes inside [offset, limit) or throws
 * X86DecodeException; never anything else, never slowly, and never depending on bytes outside the range.
 * Inputs: random arrays, and real machine code (the JVM's own libjvm.so, always present) cut anywhere.
 */
class HostileInputPropertyTest {

  private static final long SLOW_NANOS = 200_000_000L;
  private static byte[] realCode;

  private static synchronized byte[] realCode() throws Exception {
    if (realCode == null) {
      Path libjvm = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
      try (ElfFile elf = ElfFile.open(libjvm, true)) {
        Section text = elf.section(".text").orElseThrow();
        realCode = elf.read(text.offset(), (int) Math.min(text.size(), 4 << 20));
      }
    }
    return realCode;
  }

  @Property(tries = 10_000)
  void randomBytes(@ForAll @Size(max = 40) byte[] bytes, @ForAll @IntRange(max = 41) int offset,
      @ForAll @IntRange(max = 41) int limit) {
    checkOne(bytes, offset, limit);
  }

  @Property(tries = 10_000)
  void realCodeCutAnywhere(@ForAll("positions") int offset, @ForAll @IntRange(max = 17) int window)
      throws Exception {
    byte[] code = realCode();
    checkOne(code, offset, Math.min(code.length, offset + window));
  }

  @Property(tries = 3_000)
  void bytesOutsideTheRangeDoNotMatter(@ForAll("positions") int offset, @ForAll @IntRange(min = 1, max = 16)
      int window, @ForAll byte filler) throws Exception {
    byte[] code = realCode();
    int limit = Math.min(code.length, offset + window);
    byte[] island = new byte[limit - offset + 32];
    Arrays.fill(island, filler);
    System.arraycopy(code, offset, island, 16, limit - offset);
    String inPlace = outcome(code, offset, limit);
    String alone = outcome(island, 16, 16 + limit - offset);
    assertEquals(inPlace.replaceAll("offset \\d+", "offset"), alone.replaceAll("offset \\d+", "offset"));
  }

  @Provide
  Arbitrary<Integer> positions() throws Exception {
    return Arbitraries.integers().between(0, realCode().length - 1);
  }

  private static void checkOne(byte[] code, int offset, int limit) {
    long start = System.nanoTime();
    try {
      Instruction insn = X86Decoder.decode(code, offset, limit);
      assertTrue(insn.length() >= 1 && insn.length() <= 15, insn.toString());
      assertTrue(insn.length() <= limit - offset, insn + " past limit " + limit);
      assertEquals(offset, insn.offset());
      assertFalse(insn.text().isEmpty());
    } catch (X86DecodeException e) {
      assertFalse(e.getMessage().startsWith("internal"), e.getMessage());
    }
    assertTrue(System.nanoTime() - start < SLOW_NANOS, "decode took more than 200 ms");
  }

  private static String outcome(byte[] code, int offset, int limit) {
    try {
      Instruction i = X86Decoder.decode(code, offset, limit);
      return i.length() + " " + i.text() + " " + i.gprWrites();
    } catch (X86DecodeException e) {
      return e.getMessage();
    }
  }
}
