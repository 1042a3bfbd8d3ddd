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
import java.util.Set;

/**
 * Go's function table ({@code .gopclntab}), which survives {@code -ldflags=-s -w}. Supports the 1.2–1.15
 * (0xfffffffb), 1.16–1.17 (0xfffffffa), 1.18–1.19 (0xfffffff0) and 1.20+ (0xfffffff1) layouts. Every count and
 * offset in the header is checked against the table's real size before use.
 */
public final class GoPclntab {

  static final long MAGIC_12 = 0xfffffffbL;
  static final long MAGIC_116 = 0xfffffffaL;
  static final long MAGIC_118 = 0xfffffff0L;
  static final long MAGIC_120 = 0xfffffff1L;
  /** More functions than any real binary holds (kubectl: ~90k). */
  static final long MAX_FUNCS = 20_000_000;
  private static final long MAX_TABLE_BYTES = 192L << 20;

  private final ByteView v;
  private final long magic;
  private final int ptr;
  private final long nfunc;
  private final long textStart;
  private final long funcnameOff;
  private final long functabOff;

  private GoPclntab(ByteView v, long magic, int ptr, long nfunc, long textStart, long funcnameOff,
      long functabOff) {
    this.v = v;
    this.magic = magic;
    this.ptr = ptr;
    this.nfunc = nfunc;
    this.textStart = textStart;
    this.funcnameOff = funcnameOff;
    this.functabOff = functabOff;
  }

  /** Finds the table in {@code .gopclntab}, else by magic in {@code .data.rel.ro} (stripped PIE). */
  public static Optional<GoPclntab> find(ElfFile elf) throws ElfException {
    Optional<Section> s = elf.section(".gopclntab");
    if (s.isEmpty()) {
      s = elf.section(".data.rel.ro.gopclntab");
    }
    if (s.isPresent()) {
      return Optional.of(parse(elf, elf.readSection(s.get(), MAX_TABLE_BYTES), textBase(elf)));
    }
    Optional<Section> relro = elf.section(".data.rel.ro");
    if (relro.isPresent() && relro.get().inFile(elf.fileSize()) && relro.get().size() <= MAX_TABLE_BYTES) {
      byte[] b = elf.readSection(relro.get(), MAX_TABLE_BYTES);
      ByteView v = new ByteView(b, elf.bigEndian());
      for (int at = 0; at + 16 <= b.length; at += 8) {
        long m = v.u32(at);
        if ((m == MAGIC_118 || m == MAGIC_120 || m == MAGIC_116) && plausible(v, at)) {
          byte[] rest = new byte[b.length - at];
          System.arraycopy(b, at, rest, 0, rest.length);
          return Optional.of(parse(elf, rest, textBase(elf)));
        }
      }
    }
    return Optional.empty();
  }

  private static boolean plausible(ByteView v, int at) throws ElfException {
    int lc = v.u8(at + 6);
    int p = v.u8(at + 7);
    return v.u8(at + 4) == 0 && v.u8(at + 5) == 0 && (lc == 1 || lc == 2 || lc == 4) && (p == 4 || p == 8);
  }

  /** Start of the text: the .text section, else the first executable PT_LOAD (for textStart stored as 0). */
  private static long textBase(ElfFile elf) {
    Optional<Section> text = elf.section(".text");
    if (text.isPresent()) {
      return text.get().addr();
    }
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.isLoad() && p.executable()) {
        return p.vaddr();
      }
    }
    return 0;
  }

  /** Parses a table held in memory; {@code textFallback} replaces a zero textStart (PIE before relocation). */
  public static GoPclntab parse(ElfFile elf, byte[] bytes, long textFallback) throws ElfException {
    String name = elf == null ? "pclntab" : elf.name();
    boolean big = elf != null && elf.bigEndian();
    ByteView v = new ByteView(bytes, big);
    if (bytes.length < 16) {
      throw bad(name, "is shorter than its header");
    }
    long magic = v.u32(0);
    if (!plausible(v, 0)) {
      throw bad(name, "has an implausible header");
    }
    int p = v.u8(7);
    long nfunc = v.word(8, p);
    long textStart = 0;
    long funcnameOff;
    long functabOff;
    if (magic == MAGIC_118 || magic == MAGIC_120) {
      textStart = v.word(8 + 2L * p, p);
      funcnameOff = v.word(8 + 3L * p, p);
      functabOff = v.word(8 + 7L * p, p);
      if (textStart == 0) {
        textStart = textFallback;
      }
    } else if (magic == MAGIC_116) {
      funcnameOff = v.word(8 + 2L * p, p);
      functabOff = v.word(8 + 6L * p, p);
    } else if (magic == MAGIC_12) {
      funcnameOff = 0;
      functabOff = 8 + p;
    } else {
      throw bad(name, "has unknown magic 0x" + Long.toHexString(magic));
    }
    long entry = magic == MAGIC_118 || magic == MAGIC_120 ? 8 : 2L * p;
    if (nfunc < 0 || nfunc > MAX_FUNCS || functabOff < 0 || functabOff > bytes.length
        || (nfunc + 1) * entry > bytes.length - functabOff || funcnameOff < 0 || funcnameOff > bytes.length) {
      throw bad(name, "claims " + Long.toUnsignedString(nfunc) + " functions, more than its "
          + bytes.length + " bytes can hold");
    }
    return new GoPclntab(v, magic, p, nfunc, textStart, funcnameOff, functabOff);
  }

  private static ElfException bad(String name, String what) {
    return new ElfException(ElfException.Kind.MALFORMED, name + ": Go pclntab " + what);
  }

  public long functionCount() {
    return nfunc;
  }

  public String formatName() {
    if (magic == MAGIC_120) {
      return "go1.20+";
    }
    if (magic == MAGIC_118) {
      return "go1.18";
    }
    return magic == MAGIC_116 ? "go1.16" : "go1.2";
  }

  /**
   * Entry PCs (virtual addresses) of the named functions that exist. One pass over the function table;
   * entries whose name or func record lies outside the table are skipped.
   */
  public Map<String, Long> entries(Set<String> names) throws ElfException {
    Map<String, Long> out = new LinkedHashMap<>();
    functions(names).forEach((n, f) -> out.put(n, f.entry()));
    return out;
  }

  /**
   * The named functions that exist, each with where it begins and where the next one does (the table's
   * entries are sorted by address, and one more entry than there are functions holds the end of the last).
   * A function whose end does not lie after its entry is reported as found but empty ({@code end == entry}),
   * for the caller to refuse with a reason.
   */
  public Map<String, GoFunction> functions(Set<String> names) throws ElfException {
    byte[][] wanted = names.stream().map(n -> n.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    String[] keys = names.toArray(String[]::new);
    Map<String, GoFunction> out = new LinkedHashMap<>();
    boolean compact = magic == MAGIC_118 || magic == MAGIC_120;
    long step = compact ? 8 : 2L * ptr;
    for (long i = 0; i < nfunc && out.size() < keys.length; i++) {
      long e = functabOff + i * step;
      long funcOff = compact ? v.u32(e + 4) : v.word(e + ptr, ptr);
      long rec = magic == MAGIC_12 ? funcOff : functabOff + funcOff;
      long nameFieldAt = rec + (compact ? 4 : ptr);
      if (rec < 0 || nameFieldAt + 4 > v.length()) {
        continue;
      }
      long nameOff = funcnameOff + (int) v.u32(nameFieldAt); // int32 in the _func record
      for (int k = 0; k < wanted.length; k++) {
        if (!out.containsKey(keys[k]) && v.cstringEquals(nameOff, wanted[k])) {
          long pc = compact ? textStart + v.u32(rec) : v.word(rec, ptr);
          long next = compact ? textStart + v.u32(e + step) : v.word(e + step, ptr);
          out.put(keys[k], new GoFunction(keys[k], pc, Math.max(pc, next)));
        }
      }
    }
    return out;
  }
}
