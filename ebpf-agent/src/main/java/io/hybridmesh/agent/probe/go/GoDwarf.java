package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a Go binary's own DWARF says about the layout of some structs: the byte offset of each member, and
 * which compiler built it ({@code DW_AT_producer}, "Go cmd/compile go1.19.8; regabi"). Reads DWARF 2 to 5
 * (Go writes 4, and 5 from 1.25; C units of a cgo binary may be either), streaming {@code .debug_info} once
 * and stopping as soon as every wanted struct and a Go producer were seen. Any form it does not know makes
 * the DWARF unusable, with the reason: the caller then falls back on what it knows without DWARF.
 */
public final class GoDwarf {

  /** The members found per wanted struct (name to offset), and the Go compiler's producer string. */
  public record Layout(Map<String, Map<String, Long>> structs, String producer) {}

  static final int TAG_COMPILE_UNIT = 0x11;
  static final int TAG_STRUCTURE = 0x13;
  static final int TAG_MEMBER = 0x0d;
  static final int AT_NAME = 0x03;
  static final int AT_PRODUCER = 0x25;
  static final int AT_MEMBER_LOCATION = 0x38;
  static final int FORM_IMPLICIT_CONST = 0x21;
  private static final int OP_PLUS_UCONST = 0x23;
  private static final int MAX_ABBREV_BYTES = 16 << 20;
  private static final int MAX_STR_BYTES = 64 << 20;
  private static final int MAX_MEMBERS = 4096;

  private final DwarfSections sections;
  private final Set<String> wanted;
  private final Map<Long, DwarfAbbrevs> abbrevs = new HashMap<>();
  private byte[] abbrevBytes;
  private byte[] strBytes;
  private final Map<String, Map<String, Long>> found = new LinkedHashMap<>();
  private String producer;

  private GoDwarf(DwarfSections sections, Set<String> wanted) {
    this.sections = sections;
    this.wanted = Set.copyOf(wanted);
  }

  /**
   * The layout of the {@code wanted} structs ("crypto/tls.Conn"), or empty when the file carries no DWARF.
   *
   * @throws ElfException when the DWARF is there but cannot be read (truncated, a form unknown here)
   */
  public static Optional<Layout> read(ElfFile elf, Set<String> wanted) throws ElfException {
    DwarfSections s = new DwarfSections(elf);
    if (!s.has("info") || !s.has("abbrev")) {
      return Optional.empty();
    }
    GoDwarf d = new GoDwarf(s, wanted);
    try (InputStream in = s.open("info")) {
      d.walk(new DwarfInput(in));
    } catch (IOException e) {
      throw ElfException.malformed(elf.name() + ": .debug_info cannot be read: " + e.getMessage());
    } catch (ElfException e) {
      throw ElfException.malformed(elf.name() + ": " + e.getMessage());
    }
    return Optional.of(new Layout(Map.copyOf(d.found), d.producer));
  }

  private boolean done() {
    return producer != null && found.keySet().containsAll(wanted);
  }

  private void walk(DwarfInput in) throws ElfException {
    while (!done() && in.more()) {
      long start = in.position();
      long length = in.u32();
      int offsetSize = 4;
      if (length == 0xffffffffL) {
        length = in.u64();
        offsetSize = 8;
      } else if (length >= 0xfffffff0L) {
        throw ElfException.malformed("DWARF unit at " + start + " has reserved length 0x" + Long.toHexString(length));
      }
      long end = in.position() + length;
      if (length < 0 || end < in.position()) {
        throw ElfException.malformed("DWARF unit at " + start + " is longer than any file");
      }
      int version = in.u16();
      if (version < 2 || version > 5) {
        in.skipTo(end); // a unit of a version we do not read: its length still lets us step over it
        continue;
      }
      DwarfUnit unit = DwarfUnit.header(in, version, offsetSize);
      if (unit == null) {
        in.skipTo(end); // a type or split unit: Go writes none, and it holds no struct we look for
        continue;
      }
      entries(in, unit, end);
      if (in.position() > end) {
        throw ElfException.malformed("DWARF unit at " + start + " has entries past its end");
      }
      in.skipTo(end);
    }
  }

  private void entries(DwarfInput in, DwarfUnit unit, long end) throws ElfException {
    DwarfAbbrevs table = abbrevs(unit.abbrevOffset());
    int depth = 0;
    int structDepth = -1;
    Map<String, Long> members = null;
    String structName = null;
    while (in.position() < end) {
      long code = in.uleb();
      if (code == 0) {
        depth--;
        if (depth == structDepth && members != null) {
          found.putIfAbsent(structName, Map.copyOf(members));
          members = null;
          structDepth = -1;
        }
        if (depth < 0) {
          return;
        }
        continue;
      }
      DwarfAbbrevs.Abbrev a = table.get(code);
      if (a == null) {
        throw ElfException.malformed("DWARF entry at byte " + in.position() + " uses abbreviation " + code
            + ", which its table does not define");
      }
      String name = null;
      Long location = null;
      for (int i = 0; i < a.attributes().length; i++) {
        int at = a.attributes()[i];
        int form = a.forms()[i];
        boolean keep = at == AT_NAME || (at == AT_PRODUCER && a.tag() == TAG_COMPILE_UNIT)
            || (at == AT_MEMBER_LOCATION && members != null);
        if (!keep) {
          DwarfUnit.skip(in, form, unit);
        } else if (at == AT_MEMBER_LOCATION) {
          location = memberLocation(in, form, unit, a.implicitConsts()[i]);
        } else {
          String s = string(in, form, unit);
          if (at == AT_NAME) {
            name = s;
          } else if (s != null && producer == null && s.startsWith("Go cmd/compile")) {
            producer = s;
          }
        }
      }
      if (a.tag() == TAG_STRUCTURE && members == null && name != null && wanted.contains(name)
          && !found.containsKey(name) && a.children()) {
        members = new LinkedHashMap<>();
        structName = name;
        structDepth = depth;
      } else if (a.tag() == TAG_MEMBER && members != null && depth == structDepth + 1 && name != null
          && location != null && members.size() < MAX_MEMBERS) {
        members.putIfAbsent(name, location);
      }
      if (a.children()) {
        depth++;
      } else if (depth == 0) {
        return; // a unit whose top entry has no children
      }
    }
  }

  /** A member's offset: a constant, or the expression {@code DW_OP_plus_uconst n} older compilers write. */
  private static Long memberLocation(DwarfInput in, int form, DwarfUnit unit, long implicit) throws ElfException {
    switch (form) {
      case 0x0b, 0x05, 0x06, 0x07 -> {
        return in.word(form == 0x0b ? 1 : form == 0x05 ? 2 : form == 0x06 ? 4 : 8);
      }
      case 0x0f -> {
        return in.uleb();
      }
      case 0x0d -> {
        return in.sleb();
      }
      case FORM_IMPLICIT_CONST -> {
        return implicit;
      }
      case 0x18, 0x09, 0x0a -> {
        long len = form == 0x0a ? in.u8() : in.uleb();
        long startAt = in.position();
        Long v = null;
        if (len >= 2 && in.u8() == OP_PLUS_UCONST) {
          v = in.uleb();
        }
        if (in.position() - startAt != len) {
          v = null; // any other expression: not a plain offset
        }
        in.skipTo(Math.max(in.position(), startAt + len));
        return v;
      }
      default -> {
        DwarfUnit.skip(in, form, unit);
        return null;
      }
    }
  }

  /** A string attribute: inline, or in .debug_str / .debug_line_str; null for forms needing other tables. */
  private String string(DwarfInput in, int form, DwarfUnit unit) throws ElfException {
    switch (form) {
      case 0x08 -> {
        return in.cstring();
      }
      case 0x0e -> {
        return fromStr(in.word(unit.offsetSize()));
      }
      default -> {
        DwarfUnit.skip(in, form, unit);
        return null;
      }
    }
  }

  private String fromStr(long offset) throws ElfException {
    if (strBytes == null) {
      strBytes = sections.bytes("str", MAX_STR_BYTES);
    }
    if (offset < 0 || offset >= strBytes.length) {
      return null;
    }
    int end = (int) offset;
    while (end < strBytes.length && strBytes[end] != 0 && end - offset < 4096) {
      end++;
    }
    return new String(strBytes, (int) offset, end - (int) offset, StandardCharsets.UTF_8);
  }

  private DwarfAbbrevs abbrevs(long offset) throws ElfException {
    DwarfAbbrevs t = abbrevs.get(offset);
    if (t == null) {
      if (abbrevBytes == null) {
        abbrevBytes = sections.bytes("abbrev", MAX_ABBREV_BYTES);
      }
      t = DwarfAbbrevs.parse(abbrevBytes, offset);
      if (abbrevs.size() < 4096) {
        abbrevs.put(offset, t);
      }
    }
    return t;
  }
}
