package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ElfException;

/**
 * A DWARF compilation unit's header, and how many bytes each attribute form takes in it (which depends on
 * the unit's version, address size and 32- or 64-bit format).
 */
record DwarfUnit(int version, int offsetSize, int addressSize, long abbrevOffset) {

  private static final int UT_COMPILE = 1;
  private static final int UT_PARTIAL = 3;

  /**
   * Reads the rest of a header whose length and version were read; null for a unit kind holding no
   * compiled code's types (type units, skeleton and split units), which the caller steps over.
   */
  static DwarfUnit header(DwarfInput in, int version, int offsetSize) throws ElfException {
    if (version >= 5) {
      int kind = in.u8();
      int addressSize = in.u8();
      long abbrev = in.word(offsetSize);
      if (kind != UT_COMPILE && kind != UT_PARTIAL) {
        return null;
      }
      return checked(new DwarfUnit(version, offsetSize, addressSize, abbrev));
    }
    long abbrev = in.word(offsetSize);
    return checked(new DwarfUnit(version, offsetSize, in.u8(), abbrev));
  }

  private static DwarfUnit checked(DwarfUnit u) throws ElfException {
    if (u.addressSize != 4 && u.addressSize != 8) {
      throw ElfException.malformed("DWARF unit has address size " + u.addressSize);
    }
    return u;
  }

  /** Steps over one attribute value of {@code form}. */
  static void skip(DwarfInput in, int form, DwarfUnit u) throws ElfException {
    switch (form) {
      case 0x01 -> in.skip(u.addressSize);                                 // addr
      case 0x03 -> in.skip(in.u16());                                      // block2
      case 0x04 -> in.skip(in.u32());                                      // block4
      case 0x05, 0x12, 0x26, 0x2a -> in.skip(2);                           // data2, ref2, strx2, addrx2
      case 0x06, 0x13, 0x1c, 0x28, 0x2c -> in.skip(4);                     // data4, ref4, ref_sup4, strx4, addrx4
      case 0x07, 0x14, 0x20, 0x24 -> in.skip(8);                           // data8, ref8, ref_sig8, ref_sup8
      case 0x08 -> in.cstring();                                           // string
      case 0x09, 0x18 -> in.skip(in.uleb());                               // block, exprloc
      case 0x0a -> in.skip(in.u8());                                       // block1
      case 0x0b, 0x0c, 0x11, 0x25, 0x29 -> in.skip(1);                     // data1, flag, ref1, strx1, addrx1
      case 0x0d -> in.sleb();                                              // sdata
      case 0x0f, 0x15, 0x1a, 0x1b, 0x22, 0x23, 0x1f01, 0x1f02 -> in.uleb(); // udata, ref_udata, strx, addrx,
                                                                           // loclistx, rnglistx, GNU indexes
      case 0x0e, 0x17, 0x1d, 0x1f, 0x1f20, 0x1f21 -> in.skip(u.offsetSize); // strp, sec_offset, strp_sup,
                                                                           // line_strp, GNU alt refs
      case 0x10 -> in.skip(u.version <= 2 ? u.addressSize : u.offsetSize); // ref_addr
      case 0x16 -> {                                                       // indirect: the form comes first
        int inner = (int) in.uleb();
        if (inner == 0x16) {
          throw ElfException.malformed("DWARF indirect form names itself");
        }
        skip(in, inner, u);
      }
      case 0x19, GoDwarf.FORM_IMPLICIT_CONST -> { }                        // flag_present, implicit_const
      case 0x1e -> in.skip(16);                                            // data16
      case 0x27, 0x2b -> in.skip(3);                                       // strx3, addrx3
      default -> throw ElfException.malformed("DWARF form 0x" + Integer.toHexString(form) + " is not known here");
    }
  }
}
