package io.hybridmesh.agent.probe.x86;

import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RCX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RDX;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.RSP;
import static io.hybridmesh.agent.probe.x86.GeneralRegisters.bit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.x86.ObjdumpListing.Line;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The registers the decoder says an instruction writes, against what objdump's text implies
 * ({@link AttRegisterOracle}): first in the functions a TLS probe goes on (libssl's SSL_write,
 * SSL_write_ex, SSL_read, SSL_read_ex and the internal function each calls first), then over every
 * instruction of libssl and libcrypto the oracle has a rule for.
 */
class RegisterWritesTest {

  private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");
  private static final Path LIBCRYPTO = Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
  private static final List<String> ENTRY_POINTS = List.of("SSL_write", "SSL_write_ex", "SSL_read",
      "SSL_read_ex");
  /** How much of the internal callee counts as its prologue. */
  private static final int CALLEE_INSTRUCTIONS = 24;

  @Test
  void sslEntryPointsAndTheirCalleesWriteWhatObjdumpSays() throws Exception {
    ObjdumpListing.requireObjdump();
    ObjdumpListing.requireFile(LIBSSL);
    byte[] file = Files.readAllBytes(LIBSSL);
    List<Line> lines = new ArrayList<>();
    Map<String, Integer> symbolIndex = new HashMap<>();
    Map<Long, Integer> addressIndex = new HashMap<>();
    java.util.Set<Integer> symbolStarts = new java.util.HashSet<>();
    ObjdumpListing.stream(LIBSSL, List.of(), line -> {
      if (line.isSymbol()) {
        if (!line.symbol().contains("@plt")) {
          symbolIndex.putIfAbsent(line.symbol().split("@")[0], lines.size());
        }
        symbolStarts.add(lines.size());
      } else {
        addressIndex.put(line.address(), lines.size());
        lines.add(line);
      }
    });
    int checked = 0;
    List<String> seen = new ArrayList<>();
    for (String name : ENTRY_POINTS) {
      Integer first = symbolIndex.get(name);
      assertTrue(first != null, name + " not found in " + LIBSSL);
      long callee = -1;
      for (int i = first; i < lines.size() && (i == first || !symbolStarts.contains(i)); i++) {
        checked += compare(file, lines.get(i), seen);
        if (callee < 0 && lines.get(i).text().startsWith("call")) {
          callee = Long.parseLong(lines.get(i).text().split("\\s+")[1], 16);
        }
      }
      assertTrue(callee >= 0, name + " calls nothing");
      int start = addressIndex.get(callee);
      for (int i = start; i < start + CALLEE_INSTRUCTIONS; i++) {
        checked += compare(file, lines.get(i), seen);
      }
    }
    System.out.println("register writes in SSL_write/SSL_write_ex/SSL_read/SSL_read_ex and callees: "
        + checked + " instructions\n  " + String.join("\n  ", seen));
    assertTrue(checked > 60, "checked " + checked);
  }

  private static int compare(byte[] file, Line line, List<String> seen) throws X86DecodeException {
    Instruction insn = X86Decoder.decode(file, (int) line.fileOffset(), (int) line.sectionEnd());
    Optional<Integer> expected = AttRegisterOracle.writes(line.text());
    assertTrue(expected.isPresent(), "no rule for " + line.text());
    assertEquals(line.byteCount(), insn.length(), line.text());
    assertFalse(insn.unknownEffects(), line.text());
    assertEquals(GeneralRegisters.describe(expected.get()), GeneralRegisters.describe(insn.gprWrites()),
        line.bytes() + " " + line.text());
    seen.add(String.format("%-28s %-34s writes %s", line.bytes(), insn.text(),
        GeneralRegisters.describe(insn.gprWrites())));
    return 1;
  }

  @Test
  void prologueExamplesFromTheBrief() throws Exception {
    assertEquals(bit(RCX), X86Decoder.decode(hex("48 89 e1")).gprWrites(), "mov %rsp,%rcx");
    assertEquals(bit(RDX), X86Decoder.decode(hex("48 63 d2")).gprWrites(), "movslq %edx,%rdx");
    assertEquals(bit(RSP), X86Decoder.decode(hex("48 83 ec 18")).gprWrites(), "sub $0x18,%rsp");
    assertEquals(0, X86Decoder.decode(hex("85 d2")).gprWrites(), "test %edx,%edx");
    assertEquals(bit(RSP), X86Decoder.decode(hex("41 56")).gprWrites(), "push %r14");
  }

  @Test
  void everyInstructionOfLibsslAndLibcryptoAgreesWithTheOracle() throws Exception {
    ObjdumpListing.requireObjdump();
    long compared = 0;
    long noRule = 0;
    long unknownEffects = 0;
    List<String> disagreements = new ArrayList<>();
    for (Path lib : List.of(LIBSSL, LIBCRYPTO)) {
      ObjdumpListing.requireFile(lib);
      byte[] file = Files.readAllBytes(lib);
      long[] counts = new long[3];
      ObjdumpListing.stream(lib, List.of(), line -> {
        if (line.isSymbol()) {
          return;
        }
        Instruction insn;
        try {
          insn = X86Decoder.decode(file, (int) line.fileOffset(), (int) Math.min(file.length, line.sectionEnd()));
        } catch (X86DecodeException e) {
          return; // lengths are ObjdumpCrossCheckTest's business
        }
        if (insn.length() != line.byteCount()) {
          return;
        }
        if (insn.unknownEffects()) {
          counts[2]++;
          return;
        }
        Optional<Integer> expected = AttRegisterOracle.writes(line.text());
        if (expected.isEmpty()) {
          counts[1]++;
          return;
        }
        counts[0]++;
        if (expected.get() != insn.gprWrites() && disagreements.size() < 25) {
          disagreements.add(line.bytes() + " | " + line.text() + " | objdump: "
              + GeneralRegisters.describe(expected.get()) + ", decoder: "
              + GeneralRegisters.describe(insn.gprWrites()));
        }
      });
      compared += counts[0];
      noRule += counts[1];
      unknownEffects += counts[2];
    }
    System.out.println("register writes vs objdump text: " + compared + " compared, " + noRule
        + " without an oracle rule (x87, lone prefixes), " + unknownEffects + " with unknown effects");
    assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
    assertTrue(compared > 500_000, "compared " + compared);
  }

  static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s.replace(" ", ""));
  }
}
