package io.hybridmesh.agent.probe.elf;

import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little/big-endian reads over a byte array. Every read outside the array becomes an
 * {@link ElfException}, so parsers never see an {@code IndexOutOfBoundsException}.
 */
public final class ByteView {

  private final byte[] b;
  private final boolean bigEndian;

  public ByteView(byte[] b, boolean bigEndian) {
    this.b = b;
    this.bigEndian = bigEndian;
  }

  public int length() {
    return b.length;
  }

  public byte[] array() {
    return b;
  }

  private void check(long off, int n) throws ElfException {
    if (off < 0 || off > b.length - n) {
      throw ElfException.malformed("read of " + n + " bytes at " + off + " is outside a " + b.length + "-byte table");
    }
  }

  public int u8(long off) throws ElfException {
    check(off, 1);
    return b[(int) off] & 0xff;
  }

  public int u16(long off) throws ElfException {
    check(off, 2);
    int i = (int) off;
    int x = b[i] & 0xff;
    int y = b[i + 1] & 0xff;
    return bigEndian ? (x << 8) | y : (y << 8) | x;
  }

  public long u32(long off) throws ElfException {
    check(off, 4);
    int i = (int) off;
    long v = 0;
    for (int k = 0; k < 4; k++) {
      int byteIndex = bigEndian ? i + k : i + 3 - k;
      v = (v << 8) | (b[byteIndex] & 0xff);
    }
    return v;
  }

  /** 64-bit value; values above Long.MAX_VALUE come back negative and callers treat them as invalid. */
  public long u64(long off) throws ElfException {
    check(off, 8);
    int i = (int) off;
    long v = 0;
    for (int k = 0; k < 8; k++) {
      int byteIndex = bigEndian ? i + k : i + 7 - k;
      v = (v << 8) | (b[byteIndex] & 0xff);
    }
    return v;
  }

  /** A pointer-sized word (4 or 8 bytes). */
  public long word(long off, int size) throws ElfException {
    return size == 8 ? u64(off) : u32(off);
  }

  /** NUL-terminated string at {@code off}, at most {@code max} bytes; unterminated strings end at the array end. */
  public String cstring(long off, int max) throws ElfException {
    check(off, 0);
    int start = (int) off;
    int end = start;
    int limit = (int) Math.min(b.length, (long) start + max);
    while (end < limit && b[end] != 0) {
      end++;
    }
    return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** Whether the NUL-terminated string at {@code off} equals {@code name} (ASCII bytes). */
  public boolean cstringEquals(long off, byte[] name) {
    if (off < 0 || off > b.length - (long) name.length) {
      return false;
    }
    int s = (int) off;
    for (int k = 0; k < name.length; k++) {
      if (b[s + k] != name[k]) {
        return false;
      }
    }
    int after = s + name.length;
    return after == b.length || b[after] == 0;
  }

  /** First index of {@code needle} at or after {@code from}, or -1. */
  public int indexOf(byte[] needle, int from) {
    return indexOf(b, 0, b.length, needle, from);
  }

  static int indexOf(byte[] hay, int start, int end, byte[] needle, int from) {
    if (needle.length == 0) {
      return -1;
    }
    byte first = needle[0];
    int last = end - needle.length;
    outer:
    for (int i = Math.max(from, start); i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int k = 1; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
