package io.hybridmesh.agent.probe.x86;

import static org.junit.jupiter.api.Assertions.fail;

import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.Section;
import io.hybridmesh.jni.testing.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Streams {@code objdump -d} over a binary and hands each instruction line to a consumer, with the file
 * offset of the address and the end of its section in the file. objdump (binutils) is the reference the
 * decoder is checked against; scripts/install-deps.sh installs it. Without it the tests skip, or fail
 * under {@code -Dhmesh.requireKernel=true} as the kernel tests do (CI sets it): see {@link Requirements}.
 */
final class ObjdumpListing {

  /** One instruction as objdump printed it, or (with {@link #symbol()} set) the start of a symbol. */
  record Line(String section, long address, long fileOffset, long sectionEnd, int byteCount, String bytes,
      String text, String symbol) {

    boolean isSymbol() {
      return symbol != null;
    }
  }

  /** The symbol of the line objdump prints ("...") where it leaves out a run of zero bytes. */
  static final String SKIPPED_ZEROS = "...";

  private ObjdumpListing() {}

  static void requireObjdump() {
    Requirements.require(objdumpWorks(), "objdump (binutils) is not installed; scripts/install-deps.sh installs it");
  }

  static void requireFile(Path path) {
    Requirements.requireFile(path);
  }

  private static boolean objdumpWorks() {
    try {
      Process p = new ProcessBuilder("objdump", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Runs {@code objdump -d} (one line per instruction, all bytes shown) and streams its instruction lines.
   * {@code extraArgs} go before the file name (e.g. --start-address).
   */
  static void stream(Path binary, List<String> extraArgs, Consumer<Line> consumer) throws Exception {
    try (ElfFile elf = ElfFile.open(binary, true)) {
      List<String> command = new java.util.ArrayList<>(List.of("objdump", "-d", "--insn-width=16"));
      command.addAll(extraArgs);
      command.add(binary.toString());
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("LC_ALL", "C");
      Process p = pb.start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.US_ASCII), 1 << 16)) {
        String line;
        Section section = null;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("Disassembly of section ")) {
            String name = line.substring("Disassembly of section ".length(), line.length() - 1);
            section = elf.section(name).orElseThrow();
            continue;
          }
          Line parsed = section == null ? null : parse(line, section);
          if (parsed != null) {
            consumer.accept(parsed);
          }
        }
      } finally {
        p.destroy();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail("objdump failed on " + binary + " with exit code " + p.exitValue());
      }
    }
  }

  /**
   * "   35980:\t48 83 ec 18 \tsub    $0x18,%rsp" into its parts, "0000000000035980 <SSL_write@@V>:" into a
   * symbol line; null for any other line.
   */
  private static Line parse(String line, Section section) {
    if (line.isEmpty()) {
      return null;
    }
    if (line.trim().equals("...")) {
      return new Line(section.name(), -1, -1, section.offset() + section.size(), 0, "", "", SKIPPED_ZEROS);
    }
    if (line.charAt(0) != ' ') {
      int lt = line.indexOf(" <");
      if (lt <= 0 || !line.endsWith(">:")) {
        return null;
      }
      long address = Long.parseUnsignedLong(line.substring(0, lt), 16);
      long offset = section.offset() + (address - section.addr());
      return new Line(section.name(), address, offset, section.offset() + section.size(), 0, "", "",
          line.substring(lt + 2, line.length() - 2));
    }
    int tab1 = line.indexOf('\t');
    if (tab1 < 2 || line.charAt(tab1 - 1) != ':') {
      return null;
    }
    int tab2 = line.indexOf('\t', tab1 + 1);
    if (tab2 < 0) {
      // a data object in an executable section: objdump dumps 16 bytes and their ASCII, no instruction
      long address = Long.parseLong(line.substring(0, tab1 - 1).trim(), 16);
      return new Line(section.name(), address, section.offset() + (address - section.addr()),
          section.offset() + section.size(), 0, "", "", null);
    }
    String bytes = (tab2 < 0 ? line.substring(tab1 + 1) : line.substring(tab1 + 1, tab2)).trim();
    String text = tab2 < 0 ? "" : line.substring(tab2 + 1).trim();
    long address = Long.parseLong(line.substring(0, tab1 - 1).trim(), 16);
    int count = bytes.isEmpty() ? 0 : (bytes.length() + 1) / 3;
    long offset = section.offset() + (address - section.addr());
    return new Line(section.name(), address, offset, section.offset() + section.size(), count, bytes, text,
        null);
  }
}
