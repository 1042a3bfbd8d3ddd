package io.hybridmesh.agent.probe.elf;

/**
 * Hard caps that keep the reader bounded in memory and time on hostile files. Real binaries stay far below
 * them (Node.js: ~55 sections, ~110k symbols, a 7 MB string table; kubectl: an 18 MB pclntab).
 */
public final class ElfLimits {

  /** Program headers: the field is 16 bits, but PN_XNUM lets section 0 claim more. */
  public static final int MAX_PROGRAM_HEADERS = 4096;
  /** Sections: e_shnum 0 lets section 0 claim millions. */
  public static final int MAX_SECTIONS = 65_536;
  /** Longest name (section, symbol, DT_NEEDED string) we read; longer ones are cut. */
  public static final int MAX_NAME = 4096;
  /** Symbols scanned per table. */
  public static final long MAX_SYMBOLS = 8_000_000;
  /** Bytes of one string table held in memory. */
  public static final long MAX_STRTAB_BYTES = 96L << 20;
  /** Dynamic-section entries read before giving up on finding DT_NULL. */
  public static final int MAX_DYNAMIC_ENTRIES = 8192;
  /** DT_NEEDED entries kept per object. */
  public static final int MAX_NEEDED = 1024;
  /** Bytes of notes read per segment or section. */
  public static final int MAX_NOTE_BYTES = 64 << 10;
  /** Bytes of one section read into memory by {@link ElfFile#readSection}. */
  public static final long MAX_SECTION_BYTES = 192L << 20;

  private ElfLimits() {}
}
