package io.hybridmesh.agent.probe.elf;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Reads the dynamic section and notes of an {@link ElfFile}. */
public final class ElfDynamic {

  private static final long DT_NULL = 0;
  private static final long DT_NEEDED = 1;
  private static final long DT_STRTAB = 5;
  private static final long DT_STRSZ = 10;
  private static final long DT_SONAME = 14;
  private static final long DT_RPATH = 15;
  private static final long DT_RUNPATH = 29;
  private static final int NT_GNU_BUILD_ID = 3;

  private ElfDynamic() {}

  /**
   * DT_NEEDED, DT_SONAME, DT_RUNPATH and DT_RPATH. The table is found as the loader finds it (PT_DYNAMIC),
   * with the {@code .dynamic} section as a fallback; strings come from DT_STRTAB through PT_LOAD, or from
   * the string table the section links when that fails.
   */
  public static DynamicInfo read(ElfFile elf) throws ElfException {
    long off = -1;
    long size = 0;
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.type() == ProgramHeader.PT_DYNAMIC) {
        off = p.offset();
        size = p.fileSize();
        break;
      }
    }
    Optional<Section> dynSection = elf.sections().stream().filter(s -> s.type() == Section.SHT_DYNAMIC)
        .findFirst();
    if (off < 0 && dynSection.isPresent()) {
      off = dynSection.get().offset();
      size = dynSection.get().size();
    }
    if (off < 0) {
      return DynamicInfo.NONE;
    }
    int entSize = elf.is64() ? 16 : 8;
    long entries = Math.min(size / entSize, ElfLimits.MAX_DYNAMIC_ENTRIES);
    if (off >= elf.fileSize() || entries <= 0) {
      throw ElfException.malformed(elf.name() + ": dynamic section lies outside the file");
    }
    ByteView v = new ByteView(elf.readAtMost(off, (int) (entries * entSize)), elf.bigEndian());
    List<Long> needed = new ArrayList<>();
    long soname = -1;
    long runpath = -1;
    long rpath = -1;
    long strtab = -1;
    long strsz = -1;
    for (long o = 0; o + entSize <= v.length(); o += entSize) {
      long tag = elf.is64() ? v.u64(o) : v.u32(o);
      long val = elf.is64() ? v.u64(o + 8) : v.u32(o + 4);
      if (tag == DT_NULL) {
        break;
      } else if (tag == DT_NEEDED && needed.size() < ElfLimits.MAX_NEEDED) {
        needed.add(val);
      } else if (tag == DT_SONAME) {
        soname = val;
      } else if (tag == DT_RUNPATH) {
        runpath = val;
      } else if (tag == DT_RPATH) {
        rpath = val;
      } else if (tag == DT_STRTAB) {
        strtab = val;
      } else if (tag == DT_STRSZ) {
        strsz = val;
      }
    }
    long strOff = strtab >= 0 ? elf.vaddrToOffset(strtab) : -1;
    long strSize = strsz;
    if (strOff < 0 && dynSection.isPresent()) {
      Optional<Section> linked = elf.section(dynSection.get().link());
      if (linked.isPresent() && linked.get().inFile(elf.fileSize())) {
        strOff = linked.get().offset();
        strSize = linked.get().size();
      }
    }
    if (strOff < 0) {
      throw ElfException.malformed(elf.name() + ": the dynamic string table cannot be located");
    }
    List<String> names = new ArrayList<>(needed.size());
    for (long n : needed) {
      String s = string(elf, strOff, strSize, n);
      if (s != null && !s.isEmpty()) {
        names.add(s);
      }
    }
    return new DynamicInfo(List.copyOf(names), string(elf, strOff, strSize, soname),
        string(elf, strOff, strSize, runpath), string(elf, strOff, strSize, rpath));
  }

  private static String string(ElfFile elf, long strOff, long strSize, long index) throws ElfException {
    if (index < 0 || (strSize >= 0 && index >= strSize) || strOff + index >= elf.fileSize()) {
      return null;
    }
    return elf.cstringAt(strOff + index);
  }

  /** The GNU build id as lowercase hex, from PT_NOTE segments or SHT_NOTE sections. */
  public static Optional<String> buildId(ElfFile elf) throws ElfException {
    List<long[]> ranges = new ArrayList<>();
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.type() == ProgramHeader.PT_NOTE) {
        ranges.add(new long[] {p.offset(), p.fileSize()});
      }
    }
    for (Section s : elf.sections()) {
      if (s.type() == Section.SHT_NOTE) {
        ranges.add(new long[] {s.offset(), s.size()});
      }
    }
    for (long[] r : ranges) {
      if (r[0] < 0 || r[0] >= elf.fileSize() || r[1] <= 0) {
        continue;
      }
      ByteView v = new ByteView(elf.readAtMost(r[0], (int) Math.min(r[1], ElfLimits.MAX_NOTE_BYTES)),
          elf.bigEndian());
      long o = 0;
      while (o + 12 <= v.length()) {
        long namesz = v.u32(o);
        long descsz = v.u32(o + 4);
        long type = v.u32(o + 8);
        long nameStart = o + 12;
        long descStart = nameStart + align4(namesz);
        long next = descStart + align4(descsz);
        if (next > v.length() || next <= o) {
          break;
        }
        if (type == NT_GNU_BUILD_ID && namesz == 4 && "GNU".equals(v.cstring(nameStart, 4)) && descsz > 0
            && descsz <= 64) {
          byte[] id = new byte[(int) descsz];
          System.arraycopy(v.array(), (int) descStart, id, 0, id.length);
          return Optional.of(HexFormat.of().formatHex(id));
        }
        o = next;
      }
    }
    return Optional.empty();
  }

  private static long align4(long n) {
    return (n + 3) & ~3L;
  }
}
