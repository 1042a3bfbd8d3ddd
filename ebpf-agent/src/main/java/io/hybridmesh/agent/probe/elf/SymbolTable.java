package io.hybridmesh.agent.probe.elf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One symbol table ({@code .symtab} or {@code .dynsym}) with its string table. The entries are streamed in
 * chunks, never held whole; the string table is held, capped at {@link ElfLimits#MAX_STRTAB_BYTES}.
 */
public final class SymbolTable {

  private static final int CHUNK_ENTRIES = 16_384;

  private final ElfFile elf;
  private final Section table;
  private final ByteView strings;
  private final int entSize;
  private final long count;

  private SymbolTable(ElfFile elf, Section table, ByteView strings, int entSize, long count) {
    this.elf = elf;
    this.table = table;
    this.strings = strings;
    this.entSize = entSize;
    this.count = count;
  }

  static SymbolTable of(ElfFile elf, Section s) throws ElfException {
    int expected = elf.is64() ? 24 : 16;
    if (s.entSize() != 0 && s.entSize() != expected) {
      throw ElfException.malformed(elf.name() + ": " + s.name() + " entry size " + s.entSize() + " is not "
          + expected);
    }
    if (!s.inFile(elf.fileSize())) {
      throw ElfException.malformed(elf.name() + ": " + s.name() + " lies outside the file");
    }
    long n = s.size() / expected;
    if (n > ElfLimits.MAX_SYMBOLS) {
      throw ElfException.tooLarge(elf.name() + ": " + s.name() + " has " + n + " symbols, over the limit of "
          + ElfLimits.MAX_SYMBOLS);
    }
    Section str = elf.section(s.link()).orElseThrow(() -> ElfException.malformed(
        elf.name() + ": " + s.name() + " names string table " + s.link() + ", which does not exist"));
    if (str.type() != Section.SHT_STRTAB || !str.inFile(elf.fileSize())) {
      throw ElfException.malformed(elf.name() + ": string table of " + s.name() + " is not a usable STRTAB");
    }
    if (str.size() > ElfLimits.MAX_STRTAB_BYTES) {
      throw ElfException.tooLarge(elf.name() + ": string table of " + s.name() + " is " + str.size()
          + " bytes, over the limit");
    }
    ByteView strings = new ByteView(elf.read(str.offset(), (int) str.size()), elf.bigEndian());
    return new SymbolTable(elf, s, strings, expected, n);
  }

  public long count() {
    return count;
  }

  public String sectionName() {
    return table.name();
  }

  /**
   * Symbols whose names pass {@code wanted}, in table order, at most {@code maxResults}. Names longer than
   * {@link ElfLimits#MAX_NAME} are cut; entries with name offsets outside the string table are skipped.
   */
  public List<ElfSymbol> find(Predicate<String> wanted, int maxResults) throws ElfException {
    List<ElfSymbol> out = new ArrayList<>();
    for (long first = 0; first < count && out.size() < maxResults; first += CHUNK_ENTRIES) {
      int n = (int) Math.min(CHUNK_ENTRIES, count - first);
      ByteView v = new ByteView(elf.read(table.offset() + first * entSize, n * entSize), elf.bigEndian());
      for (int i = 0; i < n && out.size() < maxResults; i++) {
        long o = (long) i * entSize;
        long nameOff = v.u32(o);
        if (nameOff == 0 || nameOff >= strings.length()) {
          continue;
        }
        String name = strings.cstring(nameOff, ElfLimits.MAX_NAME);
        if (wanted.test(name)) {
          out.add(entry(v, o, name));
        }
      }
    }
    return out;
  }

  /** Whether a symbol with exactly this name exists, without building strings for the others. */
  public ElfSymbol exact(String name) throws ElfException {
    byte[] want = name.getBytes(StandardCharsets.ISO_8859_1);
    for (long first = 0; first < count; first += CHUNK_ENTRIES) {
      int n = (int) Math.min(CHUNK_ENTRIES, count - first);
      ByteView v = new ByteView(elf.read(table.offset() + first * entSize, n * entSize), elf.bigEndian());
      for (int i = 0; i < n; i++) {
        long o = (long) i * entSize;
        if (strings.cstringEquals(v.u32(o), want)) {
          return entry(v, o, name);
        }
      }
    }
    return null;
  }

  private ElfSymbol entry(ByteView v, long o, String name) throws ElfException {
    long value;
    long size;
    int info;
    int shndx;
    if (elf.is64()) {
      info = v.u8(o + 4);
      shndx = v.u16(o + 6);
      value = v.u64(o + 8);
      size = v.u64(o + 16);
    } else {
      value = v.u32(o + 4);
      size = v.u32(o + 8);
      info = v.u8(o + 12);
      shndx = v.u16(o + 14);
    }
    String section = elf.section(shndx).map(Section::name).orElse("");
    boolean defined = shndx != ElfSymbol.SHN_UNDEF && shndx < ElfSymbol.SHN_LORESERVE;
    long fileOffset = defined ? elf.vaddrToOffset(value) : -1;
    return new ElfSymbol(name, value, size, info & 0xf, info >> 4, shndx, section, fileOffset);
  }
}
