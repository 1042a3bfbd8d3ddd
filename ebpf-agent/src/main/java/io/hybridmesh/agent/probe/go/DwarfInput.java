package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.elf.ElfException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a DWARF byte stream, counting the position; running out of bytes, or a LEB128
 * longer than 64 bits, is an {@link ElfException}. Streams, so a large {@code .debug_info} is never held.
 */
final class DwarfInput {

  private static final int MAX_STRING = 4096;

  private final InputStream in;
  private long pos;
  private final byte[] text = new byte[MAX_STRING];

  DwarfInput(InputStream in) {
    this.in = new BufferedInputStream(in, 64 << 10);
  }

  long position() {
    return pos;
  }

  /** Whether another byte follows (without consuming it). */
  boolean more() throws ElfException {
    try {
      in.mark(1);
      int b = in.read();
      in.reset();
      return b >= 0;
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
  }

  int u8() throws ElfException {
    try {
      int b = in.read();
      if (b < 0) {
        throw bad("ends in the middle of an entry, at byte " + pos);
      }
      pos++;
      return b;
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
  }

  int u16() throws ElfException {
    return u8() | (u8() << 8);
  }

  long u32() throws ElfException {
    return (long) u16() | ((long) u16() << 16);
  }

  long u64() throws ElfException {
    return u32() | (u32() << 32);
  }

  long word(int size) throws ElfException {
    return switch (size) {
      case 1 -> u8();
      case 2 -> u16();
      case 4 -> u32();
      case 8 -> u64();
      default -> throw bad("has a field of " + size + " bytes");
    };
  }

  long uleb() throws ElfException {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int b = u8();
      if (shift < 64) {
        v |= (long) (b & 0x7f) << shift;
      }
      if ((b & 0x80) == 0) {
        return v;
      }
      if (shift > 70) {
        throw bad("has a LEB128 number longer than 10 bytes at byte " + pos);
      }
    }
  }

  long sleb() throws ElfException {
    long v = 0;
    int shift = 0;
    int b;
    do {
      b = u8();
      if (shift < 64) {
        v |= (long) (b & 0x7f) << shift;
      }
      shift += 7;
      if (shift > 77) {
        throw bad("has a LEB128 number longer than 10 bytes at byte " + pos);
      }
    } while ((b & 0x80) != 0);
    return shift < 64 && (b & 0x40) != 0 ? v | (-1L << shift) : v;
  }

  /** A NUL-terminated string; only its first {@value #MAX_STRING} bytes are kept. */
  String cstring() throws ElfException {
    int n = 0;
    for (int b = u8(); b != 0; b = u8()) {
      if (n < MAX_STRING) {
        text[n++] = (byte) b;
      }
    }
    return new String(text, 0, n, StandardCharsets.UTF_8);
  }

  void skip(long n) throws ElfException {
    if (n < 0) {
      throw bad("has a negative length at byte " + pos);
    }
    try {
      long left = n;
      while (left > 0) {
        long s = in.skip(left);
        if (s <= 0) {
          if (in.read() < 0) {
            throw bad("ends inside a block of " + n + " bytes");
          }
          s = 1;
        }
        left -= s;
        pos += s;
      }
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
  }

  /** Skips to {@code target}, which must not be behind. */
  void skipTo(long target) throws ElfException {
    skip(target - pos);
  }

  private static ElfException bad(String what) {
    return ElfException.malformed("DWARF " + what);
  }
}
