package io.hybridmesh.agent.http2;

import java.nio.charset.StandardCharsets;

/**
 * HPACK (RFC 7541) decoding for the header blocks of one direction. Never throws on input: every problem
 * is an {@link HpackResult}, and a failed block resets the table to "missed".
 *
 * <p>What we know of the encoder's dynamic table is tracked honestly. Seen from its first byte, our table
 * is the encoder's, and an index beyond it is an error. After a miss (a connection seen mid-stream, a
 * lost or undecodable block) our table is emptied and holds only entries inserted since: those are the
 * encoder's newest entries at the same indices, so references to them are right, and a reference beyond
 * them is "unknown", never a guess. An insertion whose name is such a reference adds a placeholder (its
 * size counted without the name, so we never evict before the encoder does) to keep later indices
 * aligned. The encoder is known to hold nothing we have not seen again when both tables must be empty (a
 * size update to 0, an entry larger than the table) or when, with the maximum known from a size update,
 * our table evicts: the encoder, whose entries are at least as large, evicted at least as far.
 */
final class HpackDecoder {

  static final int FIXED_BYTES = 160;
  /** SETTINGS_HEADER_TABLE_SIZE until a peer says otherwise (RFC 9113 §6.5.2). */
  static final int DEFAULT_TABLE_SIZE = 4096;

  private final int cap;
  private final DynamicTable table;
  /** The encoder's table may hold entries we never saw (else it holds a suffix of ours). */
  private boolean missed;
  /** Our maximum size is the encoder's (not merely our cap or a default). */
  private boolean maxKnown;
  /** SETTINGS_HEADER_TABLE_SIZE of the receiving peer, latest and previous; -1 unknown. */
  private long allowed = -1;
  private long allowedPrev = -1;

  private final HpackInput in = new HpackInput();

  HpackDecoder(Http2Limits limits) {
    this.cap = limits.maxHpackTableBytes();
    this.table = new DynamicTable(cap);
    missed();
  }

  /** The direction is seen from its first byte: both tables are empty, the maximum the default. */
  void startFromBeginning() {
    table.clear();
    table.setMax(DEFAULT_TABLE_SIZE);
    missed = false;
    maxKnown = DEFAULT_TABLE_SIZE <= cap;
    allowed = DEFAULT_TABLE_SIZE;
  }

  /** Blocks may have gone by unseen: forget the table, keep only what is inserted from now on. */
  void missed() {
    table.clear();
    table.setMax(cap);
    missed = true;
    maxKnown = false;
  }

  /** The receiving peer's SETTINGS_HEADER_TABLE_SIZE: updates above it are errors. */
  void peerAllows(long size) {
    allowedPrev = allowed;
    allowed = size;
  }

  /** Every entry the encoder can reference is in our table: an index beyond it is an error. */
  boolean exact() {
    return !missed && maxKnown;
  }

  DynamicTable table() {
    return table;
  }

  long retainedBytes() {
    return FIXED_BYTES + table.retainedBytes() + in.scratchBytes();
  }

  /** Decodes the block in [off, off+len) into {@code out} (reset first). */
  HpackResult decode(byte[] b, int off, int len, HeaderBlock out) {
    out.reset();
    in.start(b, off, len);
    boolean fieldSeen = false;
    while (in.more()) {
      int b0 = in.peek();
      if (b0 >= 0x80) {
        indexed(in.readInt(7), out);
        fieldSeen = true;
      } else if (b0 >= 0x40) {
        literal(6, true, false, out);
        fieldSeen = true;
      } else if (b0 >= 0x20) {
        if (fieldSeen) {
          in.error = HpackResult.SIZE_UPDATE_MISPLACED;
        } else {
          sizeUpdate(in.readInt(5));
        }
      } else {
        literal(4, false, (b0 & 0x10) != 0, out);
        fieldSeen = true;
      }
    }
    HpackResult error = in.finish();
    if (error != null) {
      missed();
      return error;
    }
    return out.unknownFields > 0 ? HpackResult.UNKNOWN_REFERENCES : HpackResult.OK;
  }

  private Http2Unknown unknownReason() {
    return missed ? Http2Unknown.HPACK_STATE_MISSED : Http2Unknown.HPACK_TABLE_OVER_CAP;
  }

  private void indexed(long index, HeaderBlock out) {
    if (index < 0) {
      return;
    }
    if (index == 0) {
      in.error = HpackResult.INDEX_ZERO;
    } else if (index <= StaticTable.SIZE) {
      int i = (int) index;
      int kept = StaticTable.kept(i);
      if (kept != KeptNames.NONE) {
        out.put(kept, StaticTable.value(i), false);
      }
      if (out.all != null) {
        out.record(StaticTable.name(i), StaticTable.value(i));
      }
    } else if (index - StaticTable.SIZE - 1 < table.count()) {
      DynamicTable.Entry e = table.get((int) (index - StaticTable.SIZE - 1));
      if (e.name == null) {
        out.unknown(unknownReason());
      } else if (e.kept != KeptNames.NONE) {
        out.put(e.kept, valueOf(e, out), false);
      }
      if (out.all != null) {
        out.record(e.name == null ? "?" : latin1(e.name, 0, e.name.length), latin1(e.value, 0, e.value.length));
      }
    } else if (exact()) {
      in.error = HpackResult.INDEX_OUT_OF_RANGE;
    } else {
      out.unknown(unknownReason());
      if (out.all != null) {
        out.record("?", "?");
      }
    }
  }

  /** A literal field: with incremental indexing, without indexing, or never indexed (RFC 7541 §6.2). */
  private void literal(int prefix, boolean indexing, boolean sensitive, HeaderBlock out) {
    long nameIndex = in.readInt(prefix);
    if (nameIndex < 0) {
      return;
    }
    byte[] name = null; // null: unresolved
    int nameOff = 0;
    int nameLen = 0;
    int kept = KeptNames.NONE;
    boolean nameTooLong = false;
    boolean literalName = nameIndex == 0;
    if (literalName) {
      if (!in.readString(true, Math.max(table.max(), 16), true)) {
        return;
      }
      name = in.sBuf;
      nameOff = in.sOff;
      nameLen = in.sLen;
      nameTooLong = in.sTooLong;
      kept = nameTooLong ? KeptNames.NONE : KeptNames.id(name, nameOff, nameLen);
    } else if (nameIndex <= StaticTable.SIZE) {
      name = StaticTable.nameBytes((int) nameIndex);
      nameLen = name.length;
      kept = StaticTable.kept((int) nameIndex);
    } else if (nameIndex - StaticTable.SIZE - 1 < table.count()) {
      DynamicTable.Entry e = table.get((int) (nameIndex - StaticTable.SIZE - 1));
      name = e.name;
      nameLen = name == null ? 0 : name.length;
      kept = e.kept;
    } else if (exact()) {
      in.error = HpackResult.INDEX_OUT_OF_RANGE;
      return;
    }
    boolean keep = name != null && kept != KeptNames.NONE;
    int room = indexing && !nameTooLong ? table.max() - 32 - nameLen : -1;
    boolean decodeValue = keep || room >= 0 || out.all != null;
    int decodeMax = Math.max(room, keep ? out.limit(kept) : 0);
    if (out.all != null) {
      decodeMax = Math.max(decodeMax, 1024); // tests record every value
    }
    if (!in.readString(decodeValue, decodeMax, false)) {
      return;
    }
    String value = keep ? out.string(kept, in.sBuf, in.sOff, in.sLen) : null;
    if (keep && in.sTooLong) {
      out.truncated = true;
    }
    if (name == null) {
      out.unknown(unknownReason());
    } else if (keep) {
      out.put(kept, value, sensitive);
    }
    if (out.all != null) {
      out.record(name == null ? "?" : latin1(name, nameOff, nameLen), latin1(in.sBuf, in.sOff, in.sLen));
    }
    if (indexing) {
      insert(name, nameOff, nameLen, literalName, kept, room, value);
    }
  }

  private void insert(byte[] name, int nameOff, int nameLen, boolean copyName, int kept, int room, String value) {
    if (room < 0 || in.sTooLong || in.sLen > room) {
      // Larger than the table: the encoder empties its table too (RFC 7541 §4.4), unless our view of the
      // size is wrong (an unknown name, or a table larger than our cap).
      table.clear();
      if (name != null && maxKnown) {
        missed = false;
          }
      return;
    }
    byte[] n = name;
    if (name != null && copyName) {
      n = new byte[nameLen];
      System.arraycopy(name, nameOff, n, 0, nameLen);
    }
    byte[] v = new byte[in.sLen];
    System.arraycopy(in.sBuf, in.sOff, v, 0, in.sLen);
    DynamicTable.Entry e = new DynamicTable.Entry(n, v, n == null ? KeptNames.NONE : kept);
    e.valueString = n == null ? null : value;
    evicted(table.add(e));
  }

  private void evicted(int n) {
    if (n > 0 && missed && maxKnown) {
      missed = false; // the encoder evicted at least as much, so everything we never saw is gone
    }
  }

  private void sizeUpdate(long size) {
    if (size < 0) {
      return;
    }
    if (allowed >= 0 && size > Math.max(allowed, allowedPrev)) {
      in.error = HpackResult.SIZE_UPDATE_TOO_LARGE;
      return;
    }
    if (size > cap) {
      table.setMax(cap);
      maxKnown = false;
      return;
    }
    int evicted = table.setMax((int) size);
    maxKnown = true;
    if (size == 0) {
      missed = false;
      }
    evicted(evicted);
  }

  /** The kept String of an entry, made once. */
  private static String valueOf(DynamicTable.Entry e, HeaderBlock out) {
    String s = e.valueString;
    if (s == null) {
      s = out.string(e.kept, e.value, 0, e.value.length);
      e.valueString = s;
    } else if (e.value.length > s.length()) {
      out.truncated = true;
    }
    return s;
  }

  private static String latin1(byte[] b, int off, int len) {
    return b == null ? "" : new String(b, off, len, StandardCharsets.ISO_8859_1);
  }
}
