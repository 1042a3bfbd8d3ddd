package io.hybridmesh.agent.probe.site;

/**
 * The machine code of one file, addressed by file offset: what the site selector reads. An ELF file for
 * real ({@link ElfCode}), a byte array in tests.
 */
public interface CodeView {

  /**
   * Up to {@code max} bytes of executable code from {@code fileOffset}, never past the end of the code it
   * lies in (the executable segment, and {@code .text} when the file has a section table); empty when the
   * offset is not executable code.
   */
  byte[] code(long fileOffset, int max);

  /** The virtual address of a file offset in executable code, or -1. */
  long address(long fileOffset);

  /** The file offset of a virtual address in this file's own function code ({@code .text}), or -1. */
  long textOffset(long address);
}
