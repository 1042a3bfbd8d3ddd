package io.hybridmesh.agent.probe.site;

import java.util.Arrays;

/** Code in a byte array: file offset = index, virtual address = index + base; all of it is .text. */
final class ArrayCode implements CodeView {

  static final long BASE = 0x400000;
  final byte[] bytes;
  private final int textEnd;

  ArrayCode(int size) {
    this(size, size);
  }

  /** Bytes from textEnd on are code outside .text (a PLT). */
  ArrayCode(int size, int textEnd) {
    this.bytes = new byte[size];
    Arrays.fill(bytes, (byte) 0xcc);
    this.textEnd = textEnd;
  }

  ArrayCode put(int at, int... code) {
    for (int i = 0; i < code.length; i++) {
      bytes[at + i] = (byte) code[i];
    }
    return this;
  }

  /** A call rel32 at {@code at} to {@code target} (file offsets). */
  ArrayCode call(int at, int target) {
    int rel = target - (at + 5);
    return put(at, 0xe8, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff);
  }

  @Override
  public byte[] code(long fileOffset, int max) {
    if (fileOffset < 0 || fileOffset >= textEnd) {
      return new byte[0];
    }
    return Arrays.copyOfRange(bytes, (int) fileOffset, (int) Math.min(textEnd, fileOffset + max));
  }

  @Override
  public long address(long fileOffset) {
    return fileOffset >= 0 && fileOffset < bytes.length ? BASE + fileOffset : -1;
  }

  @Override
  public long textOffset(long address) {
    long off = address - BASE;
    return off >= 0 && off < textEnd ? off : -1;
  }
}
