package io.hybridmesh.agent.http2;

/**
 * One direction's HPACK dynamic table (RFC 7541 §2.3.2, §4): newest entry first, evicted oldest first to
 * stay within its maximum size. Entries whose name was a reference we could not resolve are kept as
 * placeholders with a null name, so that later indices still line up with the encoder's.
 */
final class DynamicTable {

  /** One entry; {@code name} is null for a placeholder. */
  static final class Entry {
    final byte[] name;
    final byte[] value;
    /** HPACK size: name + value + 32 (a placeholder's unknown name counts as empty). */
    final int size;
    /** {@link KeptNames} id of the name, or NONE. */
    final int kept;
    /** The value as kept, made once on first use. */
    String valueString;

    Entry(byte[] name, byte[] value, int kept) {
      this.name = name;
      this.value = value;
      this.size = (name == null ? 0 : name.length) + value.length + 32;
      this.kept = kept;
    }

    /** Rough heap footprint: the entry, its two arrays and its cached String. */
    int retainedBytes() {
      int b = 32 + 16 + value.length + (name == null ? 0 : 16 + name.length);
      return valueString == null ? b : b + 40 + valueString.length();
    }
  }

  private Entry[] ring = new Entry[0];
  /** Index in ring of the oldest entry. */
  private int first;
  private int count;
  private long size;
  private int max;
  private final int cap;

  /** @param cap the largest maximum size ever set (the hard cap) */
  DynamicTable(int cap) {
    this.cap = cap;
    this.max = cap;
  }

  int count() {
    return count;
  }

  long size() {
    return size;
  }

  int max() {
    return max;
  }

  /** Entry i, 0 being the newest; the caller checks {@code i < count()}. */
  Entry get(int i) {
    int at = first + count - 1 - i;
    return ring[at >= 0 ? at % ring.length : at + ring.length];
  }

  /**
   * Sets the maximum size (at most the cap), evicting as needed. Returns the number of entries evicted.
   */
  int setMax(int newMax) {
    max = Math.max(0, Math.min(newMax, cap));
    return evictTo(max);
  }

  /**
   * Adds an entry as the newest, evicting the oldest until it fits; an entry larger than the maximum
   * empties the table and is not added (RFC 7541 §4.4). Returns the number of entries evicted.
   */
  int add(Entry e) {
    if (e.size > max) {
      int n = count;
      clear();
      return n;
    }
    int evicted = evictTo(max - e.size);
    if (count == ring.length) {
      grow();
    }
    ring[(first + count) % ring.length] = e;
    count++;
    size += e.size;
    return evicted;
  }

  void clear() {
    java.util.Arrays.fill(ring, null);
    first = 0;
    count = 0;
    size = 0;
  }

  private int evictTo(long target) {
    int n = 0;
    while (size > target && count > 0) {
      size -= ring[first].size;
      ring[first] = null;
      first = (first + 1) % ring.length;
      count--;
      n++;
    }
    if (count == 0) {
      first = 0;
    }
    return n;
  }

  private void grow() {
    // Every entry is at least 32 units, so cap / 32 + 1 slots always suffice.
    int n = Math.max(8, Math.min(ring.length * 2, cap / 32 + 1));
    Entry[] bigger = new Entry[n];
    for (int i = 0; i < count; i++) {
      bigger[i] = ring[(first + i) % ring.length];
    }
    ring = bigger;
    first = 0;
  }

  /** Rough heap footprint of the table and its entries. */
  long retainedBytes() {
    long b = 16 + 4L * ring.length;
    for (int i = 0; i < count; i++) {
      b += get(i).retainedBytes();
    }
    return b;
  }

  /**
   * Bound of {@link #retainedBytes()} for a cap: entries sum to at most cap units, 32 of which per entry
   * cover their objects; arrays and a cached String cost at most twice the rest again.
   */
  static long maxRetainedBytes(int cap) {
    return 16 + 4L * (Math.max(8, cap / 32 + 1)) + 4L * cap + 64;
  }
}
