package io.hybridmesh.agent.probe.site;

import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.ProgramHeader;
import io.hybridmesh.agent.probe.elf.Section;
import java.util.Optional;

/**
 * {@link CodeView} of an ELF file: code is what an executable PT_LOAD backs, narrowed to {@code .text} when
 * the section table names one, so that a call into the PLT (which leaves the library) or past the end of
 * the functions is not taken for a call to a function of the file.
 */
public final class ElfCode implements CodeView {

  private final ElfFile elf;
  private final Optional<Section> text;

  public ElfCode(ElfFile elf) {
    this.elf = elf;
    this.text = elf.section(".text").filter(s -> s.inFile(elf.fileSize()) && s.size() > 0);
  }

  @Override
  public byte[] code(long fileOffset, int max) {
    long end = codeEnd(fileOffset);
    if (end <= fileOffset) {
      return new byte[0];
    }
    try {
      return elf.readAtMost(fileOffset, (int) Math.min(max, end - fileOffset));
    } catch (ElfException e) {
      return new byte[0];
    }
  }

  @Override
  public long address(long fileOffset) {
    ProgramHeader p = segment(fileOffset);
    return p == null ? -1 : p.vaddr() + (fileOffset - p.offset());
  }

  @Override
  public long textOffset(long address) {
    long off = elf.vaddrToOffset(address);
    return off >= 0 && codeEnd(off) > off ? off : -1;
  }

  /** Where the code holding this offset ends, or -1 when the offset is not code. */
  private long codeEnd(long fileOffset) {
    ProgramHeader p = segment(fileOffset);
    if (p == null) {
      return -1;
    }
    long end = p.offset() + p.fileSize();
    if (text.isPresent()) {
      Section t = text.get();
      if (fileOffset < t.offset() || fileOffset >= t.offset() + t.size()) {
        return -1;
      }
      end = Math.min(end, t.offset() + t.size());
    }
    return end;
  }

  private ProgramHeader segment(long fileOffset) {
    for (ProgramHeader p : elf.programHeaders()) {
      if (p.isLoad() && p.executable() && fileOffset >= p.offset() && fileOffset - p.offset() < p.fileSize()) {
        return p;
      }
    }
    return null;
  }
}
