package io.hybridmesh.agent.probe.x86;

import static io.hybridmesh.agent.probe.x86.OpcodeTable.IMM16;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.IMM32;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.IMM8;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.IMMV;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.IMMZ;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.MODRM;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.MOFFS;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.REL32;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.REL8;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.TEST_GROUP;
import static io.hybridmesh.agent.probe.x86.OpcodeTable.UNDEFINED;

/**
 * Splits the bytes at an offset into prefixes, opcode, ModRM, SIB, displacement and immediate, in 64-bit
 * mode (legacy, VEX, EVEX and XOP encodings). Every byte is read through {@link #next()}, the only
 * place that touches the array: it stops at
 * the caller's limit (truncated) and at 15 bytes (too long), so no input can make it read out of range
 * or loop. One parser per instruction.
 */
final class EncodingParser {

  private static final int MAX_LENGTH = 15;

  private final byte[] code;
  private final int start;
  private final int limit;
  private final Encoding e = new Encoding();
  private int pos;

  private EncodingParser(byte[] code, int offset, int limit) {
    this.code = code;
    this.start = offset;
    this.limit = limit;
    this.pos = offset;
  }

  static Encoding parse(byte[] code, int offset, int limit) throws X86DecodeException {
    if (code == null || offset < 0 || limit > code.length || offset >= limit) {
      throw new X86DecodeException(offset, "nothing to decode (range [" + offset + ", " + limit + ") of "
          + (code == null ? "no array" : code.length + " bytes") + ")");
    }
    return new EncodingParser(code, offset, limit).parse();
  }

  private Encoding parse() throws X86DecodeException {
    prefixes();
    opcode();
    if ((e.attributes & UNDEFINED) != 0) {
      throw undefined();
    }
    if ((e.attributes & MODRM) != 0) {
      modrmAndAddress();
      checkGroupEncoding();
    }
    immediates();
    e.length = pos - start;
    return e;
  }

  private int next() throws X86DecodeException {
    if (pos - start >= MAX_LENGTH) {
      throw new X86DecodeException(start, "instruction longer than 15 bytes");
    }
    if (pos >= limit) {
      throw new X86DecodeException(start, "truncated after " + (pos - start) + " bytes");
    }
    return code[pos++] & 0xff;
  }

  private void prefixes() throws X86DecodeException {
    while (true) {
      int b = next();
      switch (b) {
        case 0x66 -> e.operandSize66 = true;
        case 0x67 -> e.addressSize67 = true;
        case 0xf0 -> e.lock = true;
        case 0xf2, 0xf3 -> e.rep = b;
        case 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 -> e.segment = b;
        default -> {
          if (b >= 0x40 && b <= 0x4f) {
            e.rex = b; // only counts when the opcode follows directly; a later prefix clears it
            continue;
          }
          pos--;
          return;
        }
      }
      e.rex = 0;
    }
  }

  private void opcode() throws X86DecodeException {
    int b = next();
    switch (b) {
      case 0x0f -> twoByteOpcode();
      case 0xc4, 0xc5 -> vex(b);
      case 0x62 -> evex();
      case 0x8f -> popOrXop();
      case 0xd5 -> throw new X86DecodeException(start,
          "unsupported encoding: 0xd5 (aad or an APX REX2 prefix)");
      default -> legacy(OpcodeTable.MAP_ONE_BYTE, b);
    }
  }

  /** 8f is pop r/m (/0) unless the next byte's low five bits name an XOP map (8 and up). */
  private void popOrXop() throws X86DecodeException {
    int b1 = peek();
    if ((b1 & 0x1f) < OpcodeTable.MAP_XOP8) {
      legacy(OpcodeTable.MAP_ONE_BYTE, 0x8f);
      if (((b1 >>> 3) & 7) != 0) {
        throw new X86DecodeException(start, "undefined opcode 0x8f /" + ((b1 >>> 3) & 7));
      }
      return;
    }
    checkNoLegacyPrefixBeforeVex("XOP");
    e.form = Encoding.Form.XOP;
    next();
    e.vexR = (b1 & 0x80) == 0;
    e.vexX = (b1 & 0x40) == 0;
    e.vexB = (b1 & 0x20) == 0;
    int b2 = next();
    e.vexW = (b2 & 0x80) != 0;
    e.vexVvvv = (~b2 >>> 3) & 0xf;
    e.vexL = (b2 >>> 2) & 1;
    e.vexPp = b2 & 3;
    e.map = b1 & 0x1f;
    e.opcode = next();
    e.attributes = OpcodeTable.xop(e.map);
    if ((e.attributes & UNDEFINED) != 0) {
      throw new X86DecodeException(start, "undefined XOP opcode map " + e.map);
    }
  }

  private int peek() throws X86DecodeException {
    int b = next();
    pos--;
    return b;
  }

  private void twoByteOpcode() throws X86DecodeException {
    int b = next();
    if (b == 0x38) {
      legacy(OpcodeTable.MAP_0F38, next());
    } else if (b == 0x3a) {
      legacy(OpcodeTable.MAP_0F3A, next());
    } else {
      legacy(OpcodeTable.MAP_0F, b);
    }
  }

  private void legacy(int map, int opcode) {
    e.map = map;
    e.opcode = opcode;
    e.attributes = OpcodeTable.legacy(map, opcode);
  }

  /** VEX and EVEX may not follow 66, F2, F3, F0 or REX: the CPU raises #UD. */
  private void checkNoLegacyPrefixBeforeVex(String what) throws X86DecodeException {
    if (e.operandSize66 || e.rep != 0 || e.lock || e.rex != 0) {
      throw new X86DecodeException(start, "undefined: " + what + " after a 66/F2/F3/F0/REX prefix");
    }
  }

  private void vex(int escape) throws X86DecodeException {
    checkNoLegacyPrefixBeforeVex("VEX");
    e.form = Encoding.Form.VEX;
    int b1 = next();
    e.vexR = (b1 & 0x80) == 0;
    int map;
    int last;
    if (escape == 0xc5) {
      map = OpcodeTable.MAP_0F;
      last = b1;
    } else {
      e.vexX = (b1 & 0x40) == 0;
      e.vexB = (b1 & 0x20) == 0;
      map = b1 & 0x1f;
      last = next();
      e.vexW = (last & 0x80) != 0;
      if (map < OpcodeTable.MAP_0F || map > OpcodeTable.MAP_0F3A) {
        throw new X86DecodeException(start, "undefined VEX opcode map " + map);
      }
    }
    e.vexVvvv = (~last >>> 3) & 0xf;
    e.vexL = (last >>> 2) & 1;
    e.vexPp = last & 3;
    e.map = map;
    e.opcode = next();
    e.attributes = OpcodeTable.vex(map, e.opcode);
  }

  private void evex() throws X86DecodeException {
    checkNoLegacyPrefixBeforeVex("EVEX");
    e.form = Encoding.Form.EVEX;
    int p0 = next();
    int p1 = next();
    int p2 = next();
    int map = p0 & 7;
    if (map == 0 || map == 4 || map == 7) {
      throw new X86DecodeException(start, "unsupported encoding: EVEX map " + map);
    }
    if ((p1 & 0x04) == 0) {
      throw new X86DecodeException(start, "undefined: EVEX with P1 bit 2 clear");
    }
    e.vexR = (p0 & 0x80) == 0;
    e.vexX = (p0 & 0x40) == 0;
    e.vexB = (p0 & 0x20) == 0;
    e.vexW = (p1 & 0x80) != 0;
    e.vexVvvv = ((~p1 >>> 3) & 0xf) | ((p2 & 0x08) == 0 ? 16 : 0);
    e.vexPp = p1 & 3;
    e.vexL = (p2 >>> 5) & 3;
    e.map = map;
    e.opcode = next();
    e.attributes = OpcodeTable.vex(map, e.opcode);
  }

  private void modrmAndAddress() throws X86DecodeException {
    e.modrm = next();
    int mod = e.mod();
    if (e.registerForm()) {
      return; // no address (mov to/from %cr/%dr ignores ModRM.mod: always two registers)
    }
    int rm = e.modrm & 7;
    if (rm == 4) {
      e.sib = next();
    }
    if (mod == 1) {
      e.displacementSize = 1;
    } else if (mod == 2 || (mod == 0 && (rm == 5 || (e.sib >= 0 && (e.sib & 7) == 5)))) {
      e.displacementSize = 4; // disp32, RIP-relative (rm 101) or absolute (SIB base 101)
    }
    e.displacement = readSigned(e.displacementSize);
  }

  private void checkGroupEncoding() throws X86DecodeException {
    String undefined = OpcodeTable.undefinedGroupMember(e);
    if (undefined != null) {
      throw new X86DecodeException(start, undefined);
    }
  }

  private void immediates() throws X86DecodeException {
    int a = e.attributes;
    int size = 0;
    if ((a & (IMM8 | REL8)) != 0 && (a & IMM16) == 0) {
      size = 1;
    } else if ((a & IMM16) != 0) {
      size = 2;
    } else if ((a & IMMZ) != 0) {
      size = e.operandSize66 && !e.rexW() ? 2 : 4; // REX.W wins over 66: imm32, sign-extended
    } else if ((a & IMMV) != 0) {
      size = e.rexW() ? 8 : e.operandSize66 ? 2 : 4;
    } else if ((a & MOFFS) != 0) {
      size = e.addressSize67 ? 4 : 8;
    } else if ((a & (REL32 | IMM32)) != 0) {
      size = 4;
    } else if ((a & TEST_GROUP) != 0 && e.regField() <= 1) {
      size = e.opcode == 0xf6 ? 1 : e.operandSize66 && !e.rexW() ? 2 : 4;
    }
    e.immediateSize = size;
    e.immediate = readSigned(size);
    if (e.legacy() && e.map == OpcodeTable.MAP_ONE_BYTE && e.opcode == 0xc8) {
      e.immediate2 = readSigned(1); // enter: the nesting level after the frame size
      e.immediateSize = 3;
    } else if (e.legacy() && e.map == OpcodeTable.MAP_0F && e.opcode == 0x78
        && (e.operandSize66 || e.rep == 0xf2)) {
      // extrq/insertq with immediates (SSE4a): length and index, one byte each
      e.immediate = readSigned(1);
      e.immediate2 = readSigned(1);
      e.immediateSize = 2;
    }
  }

  private long readSigned(int bytes) throws X86DecodeException {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value |= ((long) next()) << (8 * i);
    }
    if (bytes > 0 && bytes < 8) {
      int shift = 64 - 8 * bytes;
      value = (value << shift) >> shift;
    }
    return value;
  }

  private X86DecodeException undefined() {
    return new X86DecodeException(start, "undefined opcode " + e.opcodeName() + " in 64-bit mode");
  }
}
