package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ByteView;
import io.hybridmesh.agent.probe.elf.ElfException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One abbreviation table of {@code .debug_abbrev}: the shape of each kind of entry a unit uses. */
final class DwarfAbbrevs {

  /** How entries with this code are laid out: their tag, whether children follow, their attributes. */
  record Abbrev(int tag, boolean children, int[] attributes, int[] forms, long[] implicitConsts) {}

  private static final int MAX_ABBREVS = 1 << 16;
  private static final int MAX_ATTRIBUTES = 256;

  private final Map<Long, Abbrev> byCode;

  private DwarfAbbrevs(Map<Long, Abbrev> byCode) {
    this.byCode = byCode;
  }

  Abbrev get(long code) {
    return byCode.get(code);
  }

  static DwarfAbbrevs parse(byte[] bytes, long offset) throws ElfException {
    if (offset < 0 || offset >= bytes.length) {
      throw ElfException.malformed("DWARF unit names abbreviation table " + offset + ", past .debug_abbrev");
    }
    ByteView v = new ByteView(bytes, false);
    long[] pos = {offset};
    Map<Long, Abbrev> out = new HashMap<>();
    while (true) {
      long code = uleb(v, pos);
      if (code == 0) {
        return new DwarfAbbrevs(out);
      }
      int tag = (int) uleb(v, pos);
      boolean children = v.u8(pos[0]++) != 0;
      List<long[]> attrs = new ArrayList<>();
      while (true) {
        long at = uleb(v, pos);
        long form = uleb(v, pos);
        if (at == 0 && form == 0) {
          break;
        }
        long implicit = form == GoDwarf.FORM_IMPLICIT_CONST ? sleb(v, pos) : 0;
        if (attrs.size() >= MAX_ATTRIBUTES || form > 0xffff || at > 0xffff) {
          throw ElfException.malformed("DWARF abbreviation " + code + " is implausible");
        }
        attrs.add(new long[] {at, form, implicit});
      }
      int[] a = new int[attrs.size()];
      int[] f = new int[attrs.size()];
      long[] c = new long[attrs.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = (int) attrs.get(i)[0];
        f[i] = (int) attrs.get(i)[1];
        c[i] = attrs.get(i)[2];
      }
      if (out.size() >= MAX_ABBREVS) {
        throw ElfException.malformed("DWARF abbreviation table at " + offset + " has over " + MAX_ABBREVS
            + " entries");
      }
      out.putIfAbsent(code, new Abbrev(tag, children, a, f, c));
    }
  }

  private static long uleb(ByteView v, long[] pos) throws ElfException {
    long x = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = v.u8(pos[0]++);
      if (shift < 64) {
        x |= (long) (b & 0x7f) << shift;
      }
      if ((b & 0x80) == 0) {
        return x;
      }
    }
    throw ElfException.malformed("DWARF abbreviation holds a LEB128 number longer than 10 bytes");
  }

  private static long sleb(ByteView v, long[] pos) throws ElfException {
    long x = 0;
    int shift = 0;
    int b;
    do {
      b = v.u8(pos[0]++);
      if (shift < 64) {
        x |= (long) (b & 0x7f) << shift;
      }
      shift += 7;
      if (shift > 77) {
        throw ElfException.malformed("DWARF abbreviation holds a LEB128 number longer than 10 bytes");
      }
    } while ((b & 0x80) != 0);
    return shift < 64 && (b & 0x40) != 0 ? x | (-1L << shift) : x;
  }
}
