package io.hybridmesh.agent.probe.elf;

/**
 * One symbol found by a lookup. {@code fileOffset} is where {@code value} lies in the file (through the
 * PT_LOAD that contains it), or -1 when no loadable segment backs it; {@code section} is the name of the
 * section it is defined in, empty when undefined or unknown.
 */
public record ElfSymbol(String name, long value, long size, int type, int bind, int sectionIndex, String section,
    long fileOffset) {

  public static final int STT_FUNC = 2;
  public static final int SHN_UNDEF = 0;
  public static final int SHN_LORESERVE = 0xff00;

  /** Defined in this file (not an import) and not an absolute/common pseudo-section. */
  public boolean defined() {
    return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
  }
}
