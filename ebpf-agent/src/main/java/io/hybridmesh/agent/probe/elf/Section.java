package io.hybridmesh.agent.probe.elf;

/** One section header with its name resolved (empty when the name table is unusable). */
public record Section(int index, String name, int type, long flags, long addr, long offset, long size, int link,
    int info, long entSize) {

  public static final int SHT_SYMTAB = 2;
  public static final int SHT_STRTAB = 3;
  public static final int SHT_DYNAMIC = 6;
  public static final int SHT_NOTE = 7;
  public static final int SHT_NOBITS = 8;
  public static final int SHT_DYNSYM = 11;

  /** Whether this section's bytes lie inside a file of {@code fileSize} bytes. */
  public boolean inFile(long fileSize) {
    return type != SHT_NOBITS && offset >= 0 && size >= 0 && offset <= fileSize && size <= fileSize - offset;
  }
}
