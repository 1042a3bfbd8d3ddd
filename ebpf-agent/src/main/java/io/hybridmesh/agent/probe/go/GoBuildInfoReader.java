package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ByteView;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ProgramHeader;
import io.hybridmesh.agent.probe.elf.Section;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Finds and decodes the Go build-info blob: the 32-byte header starting {@code "\xff Go buildinf:"}, then
 * either two pointers to Go string headers (before Go 1.18) or two varint-prefixed inline strings (flag bit
 * 2, Go 1.18+). Located through the {@code .go.buildinfo} section, or, without sections, in the first 64 KiB
 * of the first writable PT_LOAD, as the Go tools do.
 */
public final class GoBuildInfoReader {

  static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
  private static final int SEARCH_BYTES = 64 << 10;
  private static final int MAX_BLOB = 4 << 20;
  private static final int MAX_STRING = 2 << 20;
  private static final int MAX_SETTINGS = 512;

  private GoBuildInfoReader() {}

  /** The build info, or empty when the file carries none (not Go, or a Go older than 1.13). */
  public static Optional<GoBuildInfo> read(ElfFile elf) throws ElfException {
    long start = locate(elf);
    if (start < 0) {
      return Optional.empty();
    }
    ByteView v = new ByteView(elf.readAtMost(start, MAX_BLOB), false);
    if (v.length() < 32) {
      throw new ElfException(ElfException.Kind.MALFORMED, elf.name() + ": Go build info is truncated");
    }
    int ptrSize = v.u8(14);
    int flags = v.u8(15);
    String version;
    String modinfo;
    if ((flags & 2) != 0) {
      long[] pos = {32};
      version = varintString(v, pos);
      modinfo = varintString(v, pos);
    } else {
      if (ptrSize != 4 && ptrSize != 8) {
        throw new ElfException(ElfException.Kind.MALFORMED, elf.name() + ": Go build info pointer size "
            + ptrSize + " is invalid");
      }
      boolean big = (flags & 1) != 0;
      ByteView hv = new ByteView(v.array(), big);
      version = goString(elf, big, ptrSize, hv.word(16, ptrSize));
      modinfo = goString(elf, big, ptrSize, hv.word(16 + ptrSize, ptrSize));
    }
    if (modinfo.length() >= 33 && modinfo.charAt(modinfo.length() - 17) == '\n') {
      modinfo = modinfo.substring(16, modinfo.length() - 16); // strip the 16-byte sentinels around modinfo
    }
    String mainPath = null;
    Map<String, String> settings = new LinkedHashMap<>();
    for (String line : modinfo.split("\n", MAX_SETTINGS * 4)) {
      if (line.startsWith("path\t")) {
        mainPath = line.substring(5);
      } else if (line.startsWith("build\t") && settings.size() < MAX_SETTINGS) {
        String kv = line.substring(6);
        int eq = kv.indexOf('=');
        if (eq > 0) {
          settings.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    return Optional.of(new GoBuildInfo(version.isEmpty() ? null : version, mainPath, Map.copyOf(settings)));
  }

  private static long locate(ElfFile elf) throws ElfException {
    Optional<Section> s = elf.section(".go.buildinfo");
    if (s.isPresent() && s.get().inFile(elf.fileSize())) {
      return s.get().offset();
    }
    if (!elf.sections().isEmpty()) {
      return -1; // the Go linker always names the section when it writes a section table
    }
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.isLoad() && p.writable() && p.offset() >= 0 && p.offset() < elf.fileSize()) {
        byte[] b = elf.readAtMost(p.offset(), (int) Math.min(SEARCH_BYTES, Math.max(0, p.fileSize())));
        ByteView v = new ByteView(b, false);
        for (int at = v.indexOf(MAGIC, 0); at >= 0; at = v.indexOf(MAGIC, at + 1)) {
          if (at % 16 == 0) {
            return p.offset() + at;
          }
        }
        return -1;
      }
    }
    return -1;
  }

  private static String varintString(ByteView v, long[] pos) throws ElfException {
    long len = 0;
    int shift = 0;
    while (true) {
      int b = v.u8(pos[0]++);
      len |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new ElfException(ElfException.Kind.MALFORMED, "Go build info string length is not a valid varint");
      }
    }
    if (len > MAX_STRING || pos[0] + len > v.length()) {
      throw new ElfException(ElfException.Kind.MALFORMED, "Go build info string of " + len
          + " bytes runs past the blob");
    }
    String s = new String(v.array(), (int) pos[0], (int) len, StandardCharsets.UTF_8);
    pos[0] += len;
    return s;
  }

  /** A Go string header {data pointer, length} at virtual address {@code addr}. */
  private static String goString(ElfFile elf, boolean big, int ptrSize, long addr) throws ElfException {
    long hdr = elf.vaddrToOffset(addr);
    if (hdr < 0) {
      throw new ElfException(ElfException.Kind.MALFORMED, elf.name()
          + ": Go build info points outside the loadable segments");
    }
    ByteView h = new ByteView(elf.read(hdr, 2 * ptrSize), big);
    long data = h.word(0, ptrSize);
    long len = h.word(ptrSize, ptrSize);
    if (len == 0) {
      return "";
    }
    long off = elf.vaddrToOffset(data);
    if (off < 0 || len < 0 || len > MAX_STRING) {
      throw new ElfException(ElfException.Kind.MALFORMED, elf.name() + ": Go build info string is invalid");
    }
    return new String(elf.read(off, (int) len), StandardCharsets.UTF_8);
  }
}
