package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ProgramHeader;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bounded scan of a file's read-only data for version and identity text: {@code "OpenSSL 3.0.13 …"},
 * BoringSSL's {@code "(compatible; BoringSSL)"}, and rustls source paths left by panics. Reads in chunks and
 * uses {@link String#indexOf}, which the JIT vectorises, so ~50 MB of .rodata costs tens of milliseconds.
 */
final class TextScanner {

  /** What the text said. */
  record Found(String opensslVersion, boolean boringssl, boolean rustls) {}

  static final long MAX_SCAN_BYTES = 256L << 20;
  private static final int CHUNK = 8 << 20;
  private static final int OVERLAP = 128;

  private TextScanner() {}

  static Found scan(ElfFile elf, boolean lookForRustls) throws ElfException {
    String version = null;
    boolean boring = false;
    boolean rustls = false;
    long budget = MAX_SCAN_BYTES;
    for (long[] r : regions(elf)) {
      for (long pos = r[0]; pos < r[0] + r[1] && budget > 0; pos += CHUNK) {
        int len = (int) Math.min(Math.min(CHUNK + OVERLAP, r[0] + r[1] - pos), budget);
        budget -= Math.min(len, CHUNK);
        String s = new String(elf.readAtMost(pos, len), StandardCharsets.ISO_8859_1);
        if (version == null || !versionNumber(version).matches("\\d+\\.\\d+\\.\\d+.*")) {
          String v = opensslVersion(s);
          version = version == null || (v != null && versionNumber(v).matches("\\d+\\.\\d+\\.\\d+.*")) ? v : version;
        }
        boring |= s.contains("BoringSSL");
        rustls |= lookForRustls && (s.contains("/rustls-") || s.contains("/rustls/"));
      }
    }
    return new Found(version, boring, rustls);
  }

  /**
   * "OpenSSL 3.0.13 30 Jan 2024" → that text (cut at a control character, 80 chars), or null. A full
   * x.y.z version is preferred over prose such as "OpenSSL 3.0 providers".
   */
  static String opensslVersion(String s) {
    String fallback = null;
    for (int at = s.indexOf("OpenSSL "); at >= 0; at = s.indexOf("OpenSSL ", at + 1)) {
      int d = at + 8;
      if (d + 2 < s.length() && Character.isDigit(s.charAt(d)) && s.charAt(d + 1) == '.'
          && Character.isDigit(s.charAt(d + 2))) {
        int end = d;
        while (end < s.length() && end - at < 80 && s.charAt(end) >= 0x20 && s.charAt(end) < 0x7f) {
          end++;
        }
        String text = s.substring(at, end);
        if (versionNumber(text).matches("\\d+\\.\\d+\\.\\d+[a-z]*(-\\w+)?")) {
          return text;
        }
        if (fallback == null) {
          fallback = text;
        }
      }
    }
    return fallback;
  }

  /** The version number alone: "OpenSSL 3.0.13 30 Jan 2024" → "3.0.13". */
  static String versionNumber(String text) {
    if (text == null || !text.startsWith("OpenSSL ")) {
      return text;
    }
    String rest = text.substring(8);
    int sp = rest.indexOf(' ');
    return sp < 0 ? rest : rest.substring(0, sp);
  }

  /** .rodata when the section table has it; else the loadable segments that are neither W nor X. */
  private static List<long[]> regions(ElfFile elf) {
    List<long[]> out = new ArrayList<>();
    Optional<Section> ro = elf.section(".rodata");
    if (ro.isPresent() && ro.get().inFile(elf.fileSize())) {
      out.add(new long[] {ro.get().offset(), ro.get().size()});
      return out;
    }
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.isLoad() && !p.writable() && !p.executable() && p.offset() >= 0 && p.offset() < elf.fileSize()) {
        out.add(new long[] {p.offset(), Math.min(p.fileSize(), elf.fileSize() - p.offset())});
      }
    }
    if (out.isEmpty()) {
      for (ProgramHeader p : elf.programHeaders()) {
        if (p.isLoad() && p.offset() >= 0 && p.offset() < elf.fileSize()) {
          out.add(new long[] {p.offset(), Math.min(p.fileSize(), elf.fileSize() - p.offset())});
        }
      }
    }
    return out;
  }
}
