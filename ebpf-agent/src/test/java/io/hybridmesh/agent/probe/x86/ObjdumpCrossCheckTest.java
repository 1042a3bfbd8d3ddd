package io.hybridmesh.agent.probe.x86;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.probe.x86.ObjdumpListing.Line;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every instruction objdump finds in libssl, libcrypto and node's executable sections
 * must have the length the decoder gives it, and walking each symbol linearly with the decoder must land
 * on objdump's instruction boundaries. objdump presents a few things differently from how the CPU sees
 * them; those are reconciled explicitly, never skipped blindly:
 *
 * <ul>
 *   <li>A REX or legacy prefix objdump considers unused (a REX before another prefix, a repeated REX) is
 *       printed on a line of its own; the CPU consumes it as part of the next instruction, so the two
 *       lines are compared as one.
 *   <li>{@code fwait} (9b) followed by an x87 instruction is printed as one ("fstenv" = wait + fnstenv);
 *       the CPU runs two instructions, whose lengths must add up.
 *   <li>Where objdump decodes what the CPU rejects with #UD, the decoder must refuse: mov to %cs (8e /1),
 *       VEX/EVEX after a REX/66/F2/F3/F0 prefix.
 *   <li>A 66-prefixed near branch is 2 bytes longer for the decoder (Intel and the kernel ignore the 66;
 *       objdump follows AMD's 16-bit displacement).
 *   <li>Lines objdump itself cannot decode ("(bad)", ".byte", an invalid segment register "%?") are
 *       counted and skipped: they are data in .text (perlasm tables in libcrypto), as are the hex dumps
 *       objdump prints for data objects (node's K256 table).
 * </ul>
 */
class ObjdumpCrossCheckTest {

  private static final Pattern PREFIX_TEXT = Pattern.compile(
      "((rex(\\.[WRXB]+)?|lock|data16|addr32|cs|ds|es|ss|fs|gs|repz|repnz|rep|notrack|bnd)\\s*)+");
  private static final Pattern PREFIX_BYTES = Pattern.compile(
      "((4[0-9a-f]|66|67|f0|f2|f3|26|2e|36|3e|64|65) ?)+");
  private static final Pattern LEGACY_PREFIX = Pattern.compile("(66|67|f0|f2|f3|26|2e|36|3e|64|65|4[0-9a-f])");

  @Test
  void libssl() throws Exception {
    Stats s = check(Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3"));
    assertTrue(s.agreed > 50_000, s.toString());
  }

  @Test
  void libcrypto() throws Exception {
    Stats s = check(Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"));
    assertTrue(s.agreed > 500_000, s.toString());
  }

  @Test
  void node() throws Exception {
    Stats s = check(Path.of("/usr/bin/node"));
    assertTrue(s.agreed > 1_000_000, s.toString());
  }

  private static Stats check(Path binary) throws Exception {
    ObjdumpListing.requireObjdump();
    ObjdumpListing.requireFile(binary);
    byte[] file = Files.readAllBytes(binary);
    Stats stats = new Stats(binary.getFileName().toString());
    Walker walker = new Walker(file, stats);
    ObjdumpListing.stream(binary, List.of(), walker::accept);
    System.out.println("objdump cross-check: " + stats);
    assertTrue(stats.failures.isEmpty(), stats + "\n" + String.join("\n", stats.failures));
    return stats;
  }

  /** Counts, and the first disagreements in full. */
  static final class Stats {
    final String name;
    long agreed;
    long linearlyWalked;
    long prefixLinesMerged;
    long fwaitSplits;
    long undefinedRefused;
    long branch66;
    long objdumpCannotDecode;
    long dataLines;
    final List<String> failures = new ArrayList<>();

    Stats(String name) {
      this.name = name;
    }

    void fail(String message) {
      if (failures.size() < 25) {
        failures.add(message);
      } else if (failures.size() == 25) {
        failures.add("...");
      }
    }

    @Override
    public String toString() {
      return name + ": " + agreed + " instructions with objdump's length (" + linearlyWalked
          + " reached by a linear walk from their symbol), " + prefixLinesMerged + " lone prefixes merged, "
          + fwaitSplits + " fwait splits, " + undefinedRefused + " refused as #UD, " + branch66
          + " 66-prefixed branches, " + objdumpCannotDecode + " lines objdump cannot decode, " + dataLines
          + " lines of data objects, "
          + failures.size() + " failures";
    }
  }

  /** Applies the reconciliation rules line by line and walks each symbol with the decoder. */
  private static final class Walker {
    private final byte[] file;
    private final Stats stats;
    private Line pendingPrefix;
    private int pendingBytes;
    private long nextByDecoder = -1;

    Walker(byte[] file, Stats stats) {
      this.file = file;
      this.stats = stats;
    }

    void accept(Line line) {
      if (line.isSymbol()) {
        pendingPrefix = null;
        nextByDecoder = line.symbol().equals(ObjdumpListing.SKIPPED_ZEROS) ? -1 : line.address();
        return;
      }
      if (line.text().isEmpty()) {
        stats.dataLines++; // objdump dumps a data object's bytes instead of disassembling them
        pendingPrefix = null;
        nextByDecoder = -1;
        return;
      }
      if (PREFIX_TEXT.matcher(line.text()).matches() && PREFIX_BYTES.matcher(line.bytes()).matches()) {
        if (pendingPrefix == null) {
          pendingPrefix = line;
          pendingBytes = 0;
        }
        pendingBytes += line.byteCount();
        stats.prefixLinesMerged++;
        return;
      }
      long start = line.address();
      long offset = line.fileOffset();
      int length = line.byteCount();
      if (pendingPrefix != null && pendingPrefix.address() + pendingBytes == line.address()) {
        start = pendingPrefix.address();
        offset = pendingPrefix.fileOffset();
        length += pendingBytes;
      }
      pendingPrefix = null;
      String text = line.text();
      if (text.contains("(bad)") || text.startsWith(".byte") || text.contains("%?")) {
        stats.objdumpCannotDecode++;
        nextByDecoder = -1;
        return;
      }
      int limit = (int) Math.min(file.length, line.sectionEnd());
      Instruction mine;
      try {
        mine = X86Decoder.decode(file, (int) offset, limit);
      } catch (X86DecodeException e) {
        nextByDecoder = -1;
        if (isUndefinedForTheCpu(line, e)) {
          stats.undefinedRefused++;
        } else {
          stats.fail(describe(line) + " -> " + e.getMessage());
        }
        return;
      }
      if (nextByDecoder >= 0 && nextByDecoder != start) {
        stats.fail(String.format("linear walk reached %x, objdump's instruction starts at %x: %s",
            nextByDecoder, start, describe(line)));
      }
      if (mine.length() == length) {
        stats.agreed++;
        stats.linearlyWalked += nextByDecoder == start ? 1 : 0;
        nextByDecoder = start + length;
      } else if (mine.mnemonic().equals("fwait") && firstOpcodeByte(line).equals("9b")
          && fwaitPlusNext(offset, mine.length(), limit) == length) {
        stats.fwaitSplits++;
        nextByDecoder = start + length;
      } else if (isPrefixed66NearBranch(line) && mine.length() == length + 2) {
        stats.branch66++;
        nextByDecoder = -1; // objdump's next line starts inside what the CPU (Intel) takes as one branch
      } else {
        stats.fail(describe(line) + " -> decoder says " + mine.length() + " bytes: " + mine);
        nextByDecoder = -1;
      }
    }

    private int fwaitPlusNext(long offset, int fwaitLength, int limit) {
      try {
        return fwaitLength + X86Decoder.decode(file, (int) offset + fwaitLength, limit).length();
      } catch (X86DecodeException e) {
        return -1;
      }
    }

    /** mov to %cs, and VEX/EVEX after a REX/66/F2/F3/F0 prefix: objdump prints them, the CPU raises #UD. */
    private static boolean isUndefinedForTheCpu(Line line, X86DecodeException e) {
      String m = e.getMessage();
      String text = line.text().replaceAll("\\s+#.*$", "");
      boolean movToCs = text.matches("(\\S+ )*mov\\s+\\S+,%cs") && m.contains("0x8e /1");
      boolean vexAfterPrefix = m.contains("VEX after") || m.contains("EVEX after") || m.contains("XOP after");
      return movToCs || vexAfterPrefix;
    }

    private static boolean isPrefixed66NearBranch(Line line) {
      String[] b = line.bytes().split(" ");
      boolean has66 = false;
      int i = 0;
      while (i < b.length && LEGACY_PREFIX.matcher(b[i]).matches()) {
        has66 |= b[i].equals("66");
        i++;
      }
      if (!has66 || i >= b.length) {
        return false;
      }
      return b[i].equals("e8") || b[i].equals("e9")
          || (b[i].equals("0f") && i + 1 < b.length && b[i + 1].matches("8[0-9a-f]"));
    }

    private static String firstOpcodeByte(Line line) {
      for (String b : line.bytes().split(" ")) {
        if (!LEGACY_PREFIX.matcher(b).matches()) {
          return b;
        }
      }
      return "";
    }

    private static String describe(Line line) {
      return String.format("%s %x: %s | %s", line.section(), line.address(), line.bytes(), line.text());
    }
  }
}
