package io.hybridmesh.agent.probe.elf;

/** One program header (segment). Offsets and sizes are validated against the file by the reader. */
public record ProgramHeader(int type, int flags, long offset, long vaddr, long fileSize, long memSize) {

  public static final int PT_LOAD = 1;
  public static final int PT_DYNAMIC = 2;
  public static final int PT_INTERP = 3;
  public static final int PT_NOTE = 4;
  public static final int PF_X = 1;
  public static final int PF_W = 2;

  public boolean isLoad() {
    return type == PT_LOAD;
  }

  public boolean executable() {
    return (flags & PF_X) != 0;
  }

  public boolean writable() {
    return (flags & PF_W) != 0;
  }

  /** Whether {@code vaddr} falls inside the part of this segment that is backed by file bytes. */
  public boolean containsFileBacked(long addr) {
    return addr >= vaddr && addr - vaddr < fileSize;
  }
}
