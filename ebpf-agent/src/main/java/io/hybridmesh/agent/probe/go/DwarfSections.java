package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.probe.elf.Section;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The DWARF sections of an ELF file as byte streams, decompressed where the linker compressed them: Go's
 * linker writes {@code SHF_COMPRESSED} sections (an {@code Elf64_Chdr}, then zlib), older ones
 * {@code .zdebug_*} sections ({@code "ZLIB"}, a big-endian size, then zlib). A stream never yields more than
 * the size its header announced, nor more than {@link #MAX_BYTES}: a hostile file cannot make the reader
 * inflate without end.
 */
final class DwarfSections {

  static final long SHF_COMPRESSED = 0x800;
  static final int ELFCOMPRESS_ZLIB = 1;
  /** More than the DWARF of any real program (kubectl's whole binary is 60 MB). */
  static final long MAX_BYTES = 1L << 30;
  private static final int CHUNK = 64 << 10;

  private final ElfFile elf;

  DwarfSections(ElfFile elf) {
    this.elf = elf;
  }

  /** Whether the file carries {@code .debug_<name>} in either form. */
  boolean has(String name) {
    return section(name).isPresent();
  }

  /** The decompressed bytes of a small section ({@code abbrev}, {@code str}), at most {@code cap}. */
  byte[] bytes(String name, int cap) throws ElfException {
    try (InputStream in = open(name)) {
      byte[] out = in.readNBytes(cap + 1);
      if (out.length > cap) {
        throw ElfException.tooLarge(elf.name() + ": .debug_" + name + " is larger than " + cap + " bytes");
      }
      return out;
    } catch (IOException e) {
      throw wrap(name, e);
    }
  }

  /** A stream over the decompressed section; empty when the file has none. */
  InputStream open(String name) throws ElfException {
    Optional<Section> s = section(name);
    if (s.isEmpty()) {
      return InputStream.nullInputStream();
    }
    Section sec = s.get();
    if (!sec.inFile(elf.fileSize())) {
      throw ElfException.malformed(elf.name() + ": " + sec.name() + " lies outside the file");
    }
    InputStream raw = new FileRegion(elf, sec.offset(), sec.size());
    try {
      if (sec.name().startsWith(".zdebug_")) {
        byte[] h = raw.readNBytes(12);
        if (h.length < 12 || h[0] != 'Z' || h[1] != 'L' || h[2] != 'I' || h[3] != 'B') {
          throw ElfException.malformed(elf.name() + ": " + sec.name() + " lacks its ZLIB header");
        }
        return new Inflating(raw, ByteBuffer.wrap(h, 4, 8).order(ByteOrder.BIG_ENDIAN).getLong(), sec.name());
      }
      if ((sec.flags() & SHF_COMPRESSED) != 0) {
        byte[] h = raw.readNBytes(elf.is64() ? 24 : 12);
        ByteBuffer b = ByteBuffer.wrap(h).order(elf.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        if (h.length < (elf.is64() ? 24 : 12) || b.getInt(0) != ELFCOMPRESS_ZLIB) {
          throw ElfException.malformed(elf.name() + ": " + sec.name() + " is compressed other than with zlib");
        }
        long size = elf.is64() ? b.getLong(8) : Integer.toUnsignedLong(b.getInt(4));
        return new Inflating(raw, size, sec.name());
      }
    } catch (IOException e) {
      throw wrap(name, e);
    }
    return raw;
  }

  private Optional<Section> section(String name) {
    Optional<Section> s = elf.section(".debug_" + name);
    return s.isPresent() ? s : elf.section(".zdebug_" + name);
  }

  private ElfException wrap(String name, IOException e) {
    return e.getCause() instanceof ElfException ee ? ee
        : ElfException.malformed(elf.name() + ": .debug_" + name + " cannot be read: " + e.getMessage());
  }

  /** The bytes of a file region, read in chunks through the ELF file's bounds-checked reads. */
  private static final class FileRegion extends InputStream {
    private final ElfFile elf;
    private long pos;
    private final long end;

    FileRegion(ElfFile elf, long offset, long size) {
      this.elf = elf;
      this.pos = offset;
      this.end = offset + size;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (pos >= end) {
        return -1;
      }
      int n = (int) Math.min(Math.min(len, CHUNK), end - pos);
      try {
        byte[] got = elf.readAtMost(pos, n);
        if (got.length == 0) {
          return -1;
        }
        System.arraycopy(got, 0, b, off, got.length);
        pos += got.length;
        return got.length;
      } catch (ElfException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  /** zlib inflation that stops at the announced size and at {@link #MAX_BYTES}, whichever comes first. */
  private static final class Inflating extends InputStream {
    private final InputStream in;
    private final Inflater inflater = new Inflater();
    private final byte[] input = new byte[CHUNK];
    private final long limit;
    private final String section;
    private long produced;

    Inflating(InputStream in, long announced, String section) throws IOException {
      if (announced < 0 || announced > MAX_BYTES) {
        throw new IOException(section + " announces " + Long.toUnsignedString(announced)
            + " bytes uncompressed, over the limit of " + MAX_BYTES);
      }
      this.in = in;
      this.limit = announced;
      this.section = section;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (produced >= limit) {
        return -1;
      }
      int want = (int) Math.min(len, limit - produced);
      try {
        while (true) {
          int n = inflater.inflate(b, off, want);
          if (n > 0) {
            produced += n;
            return n;
          }
          if (inflater.finished() || inflater.needsDictionary()) {
            return -1;
          }
          if (inflater.needsInput()) {
            int r = in.read(input, 0, input.length);
            if (r < 0) {
              return -1; // truncated: the reader finds the DWARF shorter than it claims and says so
            }
            inflater.setInput(input, 0, r);
          }
        }
      } catch (DataFormatException e) {
        throw new IOException(section + " is not valid zlib data: " + e.getMessage());
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
