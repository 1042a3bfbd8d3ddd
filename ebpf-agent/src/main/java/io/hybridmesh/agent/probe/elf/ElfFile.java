package io.hybridmesh.agent.probe.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one ELF32/ELF64 file of either byte order, read through a {@link FileChannel} with
 * bounded reads; nothing maps or loads the whole file. The header and program headers must be sound or
 * {@link #open} fails; a broken section table is remembered ({@link #sectionProblem()}) and treated as "no
 * sections", because the loader itself never looks at sections.
 */
public final class ElfFile implements AutoCloseable {

  private final FileChannel ch;
  private final String name;
  private final long fileSize;
  private final boolean is64;
  private final boolean bigEndian;
  private final int type;
  private final int machine;
  private final List<ProgramHeader> phdrs;
  private final List<Section> sections;
  private final String sectionProblem;
  private SymbolTable dynsym;
  private SymbolTable symtab;
  private boolean symtabsLoaded;

  private ElfFile(FileChannel ch, String name) throws ElfException {
    this.ch = ch;
    this.name = name;
    try {
      this.fileSize = ch.size();
    } catch (IOException e) {
      throw new ElfException(ElfException.Kind.UNREADABLE, name + ": cannot read its size: " + e.getMessage());
    }
    byte[] ident = readAtMost(0, 64);
    if (ident.length < 16 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
      throw new ElfException(ElfException.Kind.NOT_ELF, name + " is not an ELF file");
    }
    if (ident[4] != 1 && ident[4] != 2) {
      throw ElfException.malformed(name + ": unknown ELF class " + ident[4]);
    }
    if (ident[5] != 1 && ident[5] != 2) {
      throw ElfException.malformed(name + ": unknown ELF byte order " + ident[5]);
    }
    is64 = ident[4] == 2;
    bigEndian = ident[5] == 2;
    int ehsize = is64 ? 64 : 52;
    if (ident.length < ehsize) {
      throw ElfException.malformed(name + ": truncated ELF header (" + ident.length + " bytes)");
    }
    ByteView h = new ByteView(ident, bigEndian);
    type = h.u16(16);
    machine = h.u16(18);
    long phoff = is64 ? h.u64(32) : h.u32(28);
    long shoff = is64 ? h.u64(40) : h.u32(32);
    int phentsize = h.u16(is64 ? 54 : 42);
    int phnum = h.u16(is64 ? 56 : 44);
    int shentsize = h.u16(is64 ? 58 : 46);
    int shnum = h.u16(is64 ? 60 : 48);
    int shstrndx = h.u16(is64 ? 62 : 50);
    Section zero = shoff != 0 ? sectionZero(shoff, shentsize) : null;
    if (phnum == 0xffff && zero != null) {
      phnum = (int) Math.min(Integer.MAX_VALUE, zero.info() & 0xffffffffL);
    }
    phdrs = readProgramHeaders(phoff, phentsize, phnum);
    List<Section> secs = List.of();
    String problem = null;
    try {
      secs = readSections(shoff, shentsize, shnum, shstrndx, zero);
    } catch (ElfException e) {
      problem = e.getMessage();
    }
    sections = secs;
    sectionProblem = problem;
  }

  /** Opens {@code path} without following a symlink in its last component. */
  public static ElfFile open(Path path) throws ElfException {
    return open(path, false);
  }

  /**
   * Opens {@code path}; {@code followLink} only for kernel-made links such as {@code /proc/<pid>/exe} and
   * {@code /proc/<pid>/map_files/*}, which resolve to the mapped file itself, not through its name.
   */
  public static ElfFile open(Path path, boolean followLink) throws ElfException {
    FileChannel ch;
    try {
      ch = followLink ? FileChannel.open(path, StandardOpenOption.READ)
          : FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new ElfException(ElfException.Kind.UNREADABLE, path + " cannot be opened: " + describe(e));
    }
    try {
      return new ElfFile(ch, path.toString());
    } catch (ElfException | RuntimeException e) {
      closeQuietly(ch);
      if (e instanceof ElfException ee) {
        throw ee;
      }
      throw ElfException.malformed(path + ": " + e);
    }
  }

  static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing useful to do; the file was only read
    }
  }

  private Section sectionZero(long shoff, int shentsize) throws ElfException {
    if (shentsize < (is64 ? 64 : 40) || shoff < 0 || shoff > fileSize - shentsize) {
      return null;
    }
    return parseSection(new ByteView(read(shoff, shentsize), bigEndian), 0, 0, null);
  }

  private List<ProgramHeader> readProgramHeaders(long phoff, int entsize, int count) throws ElfException {
    if (count == 0) {
      return List.of();
    }
    if (count > ElfLimits.MAX_PROGRAM_HEADERS) {
      throw ElfException.tooLarge(name + ": " + count + " program headers exceed the limit of "
          + ElfLimits.MAX_PROGRAM_HEADERS);
    }
    if (entsize < (is64 ? 56 : 32)) {
      throw ElfException.malformed(name + ": program header size " + entsize + " is too small");
    }
    long bytes = (long) entsize * count;
    if (phoff <= 0 || phoff > fileSize || bytes > fileSize - phoff) {
      throw ElfException.malformed(name + ": program header table (" + count + " at offset " + phoff
          + ") lies outside the " + fileSize + "-byte file");
    }
    ByteView v = new ByteView(read(phoff, (int) bytes), bigEndian);
    List<ProgramHeader> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long o = (long) i * entsize;
      ProgramHeader p = is64
          ? new ProgramHeader((int) v.u32(o), (int) v.u32(o + 4), v.u64(o + 8), v.u64(o + 16), v.u64(o + 32),
              v.u64(o + 40))
          : new ProgramHeader((int) v.u32(o), (int) v.u32(o + 24), v.u32(o + 4), v.u32(o + 8), v.u32(o + 16),
              v.u32(o + 20));
      out.add(p);
    }
    return Collections.unmodifiableList(out);
  }

  private List<Section> readSections(long shoff, int entsize, int shnum, int shstrndx, Section zero)
      throws ElfException {
    if (shoff == 0) {
      return List.of();
    }
    long count = shnum;
    if (count == 0 && zero != null) {
      count = zero.size(); // more than 0xff00 sections: the real count lives in section 0
    }
    if (count == 0) {
      return List.of();
    }
    if (count > ElfLimits.MAX_SECTIONS || count < 0) {
      throw ElfException.tooLarge(name + ": " + Long.toUnsignedString(count) + " sections exceed the limit of "
          + ElfLimits.MAX_SECTIONS);
    }
    if (entsize < (is64 ? 64 : 40)) {
      throw ElfException.malformed(name + ": section header size " + entsize + " is too small");
    }
    long bytes = entsize * count;
    if (shoff < 0 || shoff > fileSize || bytes > fileSize - shoff) {
      throw ElfException.malformed(name + ": section header table (" + count + " at offset " + shoff
          + ") lies outside the " + fileSize + "-byte file");
    }
    ByteView v = new ByteView(read(shoff, (int) bytes), bigEndian);
    if (shstrndx == 0xffff && zero != null) {
      shstrndx = zero.link();
    }
    ByteView names = null;
    if (shstrndx > 0 && shstrndx < count) {
      Section s = parseSection(v, (long) shstrndx * entsize, shstrndx, null);
      if (s.inFile(fileSize)) {
        names = new ByteView(read(s.offset(), (int) Math.min(s.size(), 1 << 20)), bigEndian);
      }
    }
    List<Section> out = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      out.add(parseSection(v, (long) i * entsize, i, names));
    }
    return Collections.unmodifiableList(out);
  }

  private Section parseSection(ByteView v, long o, int index, ByteView names) throws ElfException {
    long nameOff = v.u32(o);
    String n = "";
    if (names != null && nameOff < names.length()) {
      n = names.cstring(nameOff, 256);
    }
    if (is64) {
      return new Section(index, n, (int) v.u32(o + 4), v.u64(o + 8), v.u64(o + 16), v.u64(o + 24), v.u64(o + 32),
          (int) v.u32(o + 40), (int) v.u32(o + 44), v.u64(o + 56));
    }
    return new Section(index, n, (int) v.u32(o + 4), v.u32(o + 8), v.u32(o + 12), v.u32(o + 16), v.u32(o + 20),
        (int) v.u32(o + 24), (int) v.u32(o + 28), v.u32(o + 36));
  }

  /** Exactly {@code len} bytes at {@code off}; fails if they are not all inside the file. */
  public byte[] read(long off, int len) throws ElfException {
    if (off < 0 || len < 0 || off > fileSize || len > fileSize - off) {
      throw ElfException.malformed(name + ": read of " + len + " bytes at offset " + off
          + " is outside the " + fileSize + "-byte file");
    }
    byte[] out = readAtMost(off, len);
    if (out.length != len) {
      throw new ElfException(ElfException.Kind.UNREADABLE, name + " became shorter while being read");
    }
    return out;
  }

  /** Up to {@code len} bytes at {@code off}, fewer at the end of the file. */
  public byte[] readAtMost(long off, int len) throws ElfException {
    if (off < 0 || len < 0) {
      throw ElfException.malformed(name + ": negative offset or length");
    }
    int n = (int) Math.max(0, Math.min(len, fileSize - Math.min(off, fileSize)));
    ByteBuffer buf = ByteBuffer.allocate(n);
    try {
      long pos = off;
      while (buf.hasRemaining()) {
        int r = ch.read(buf, pos);
        if (r < 0) {
          break;
        }
        pos += r;
      }
    } catch (IOException e) {
      throw new ElfException(ElfException.Kind.UNREADABLE, name + " cannot be read: " + describe(e));
    }
    if (buf.hasRemaining()) {
      byte[] shorter = new byte[buf.position()];
      System.arraycopy(buf.array(), 0, shorter, 0, shorter.length);
      return shorter;
    }
    return buf.array();
  }

  /** The bytes of {@code s}, at most {@code cap} of them. */
  public byte[] readSection(Section s, long cap) throws ElfException {
    if (!s.inFile(fileSize)) {
      throw ElfException.malformed(name + ": section " + s.name() + " lies outside the file");
    }
    long limit = Math.min(cap, ElfLimits.MAX_SECTION_BYTES);
    if (s.size() > limit) {
      throw ElfException.tooLarge(name + ": section " + s.name() + " (" + s.size() + " bytes) exceeds "
          + limit + " bytes");
    }
    return read(s.offset(), (int) s.size());
  }

  /** NUL-terminated string at a file offset, at most {@link ElfLimits#MAX_NAME} bytes. */
  public String cstringAt(long off) throws ElfException {
    return new ByteView(readAtMost(off, ElfLimits.MAX_NAME), bigEndian).cstring(0, ElfLimits.MAX_NAME);
  }

  /** File offset of a virtual address through the PT_LOAD that backs it, or -1. */
  public long vaddrToOffset(long vaddr) {
    for (ProgramHeader p : phdrs) {
      if (p.isLoad() && p.offset() >= 0 && p.containsFileBacked(vaddr)) {
        long off = p.offset() + (vaddr - p.vaddr());
        return off >= 0 && off < fileSize ? off : -1;
      }
    }
    return -1;
  }

  public Optional<Section> section(String sectionName) {
    for (Section s : sections) {
      if (s.name().equals(sectionName)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The section at {@code index}, if the table has one there. */
  public Optional<Section> section(int index) {
    return index >= 0 && index < sections.size() ? Optional.of(sections.get(index)) : Optional.empty();
  }

  /** The program interpreter (PT_INTERP), if any. */
  public Optional<String> interpreter() throws ElfException {
    for (ProgramHeader p : phdrs) {
      if (p.type() == ProgramHeader.PT_INTERP) {
        return Optional.of(cstringAt(p.offset()));
      }
    }
    return Optional.empty();
  }

  /** {@code .dynsym}, or null when absent. */
  public SymbolTable dynsym() throws ElfException {
    loadSymtabs();
    return dynsym;
  }

  /** {@code .symtab}, or null when absent (stripped). */
  public SymbolTable symtab() throws ElfException {
    loadSymtabs();
    return symtab;
  }

  private void loadSymtabs() throws ElfException {
    if (symtabsLoaded) {
      return;
    }
    symtabsLoaded = true;
    for (Section s : sections) {
      if (s.type() == Section.SHT_DYNSYM && dynsym == null) {
        dynsym = SymbolTable.of(this, s);
      } else if (s.type() == Section.SHT_SYMTAB && symtab == null) {
        symtab = SymbolTable.of(this, s);
      }
    }
  }

  public String name() {
    return name;
  }

  public long fileSize() {
    return fileSize;
  }

  public boolean is64() {
    return is64;
  }

  public boolean bigEndian() {
    return bigEndian;
  }

  public int type() {
    return type;
  }

  public int machine() {
    return machine;
  }

  public List<ProgramHeader> programHeaders() {
    return phdrs;
  }

  public List<Section> sections() {
    return sections;
  }

  /** Why the section table was ignored, or null when it was read. */
  public String sectionProblem() {
    return sectionProblem;
  }

  @Override
  public void close() {
    closeQuietly(ch);
  }
}
