package io.hybridmesh.agent.http2;

import java.util.Arrays;

/**
 * Open streams by id: open addressing with linear probing, at most {@code max} entries, grown on demand
 * up to twice that many slots and never beyond. Ids are positive, so 0 marks an empty slot.
 */
final class StreamTable {

  private static final int MIN_SLOTS = 16;

  private final int max;
  private int[] keys = new int[0];
  private Http2Stream[] values = new Http2Stream[0];
  private int size;

  StreamTable(int max) {
    this.max = max;
  }

  int size() {
    return size;
  }

  boolean full() {
    return size >= max;
  }

  int slots() {
    return keys.length;
  }

  /** The stream in slot i, or null. */
  Http2Stream slot(int i) {
    return values[i];
  }

  Http2Stream get(int id) {
    if (size == 0) {
      return null;
    }
    int mask = keys.length - 1;
    for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == id) {
        return values[i];
      }
      if (k == 0) {
        return null;
      }
    }
  }

  /** Adds a stream whose id is not present; false when full. */
  boolean put(Http2Stream s) {
    if (size >= max) {
      return false;
    }
    if ((size + 1) * 2 > keys.length) {
      resize(Math.max(MIN_SLOTS, keys.length * 2));
    }
    int mask = keys.length - 1;
    int i = hash(s.id) & mask;
    while (keys[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = s.id;
    values[i] = s;
    size++;
    return true;
  }

  /** Removes a stream by id (backward-shift deletion keeps probe chains intact). */
  void remove(int id) {
    if (size == 0) {
      return;
    }
    int mask = keys.length - 1;
    int i = hash(id) & mask;
    while (keys[i] != id) {
      if (keys[i] == 0) {
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = 0;
    values[i] = null;
    size--;
    for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = hash(keys[j]) & mask;
      // Move j back to the hole at i if its home is not in (i, j] cyclically.
      boolean between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
      if (!between) {
        keys[i] = keys[j];
        values[i] = values[j];
        keys[j] = 0;
        values[j] = null;
        i = j;
      }
    }
  }

  void clear() {
    Arrays.fill(keys, 0);
    Arrays.fill(values, null);
    size = 0;
  }

  private void resize(int n) {
    int[] oldKeys = keys;
    Http2Stream[] oldValues = values;
    keys = new int[n];
    values = new Http2Stream[n];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldValues[i]);
      }
    }
  }

  private static int hash(int id) {
    int h = id * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  long retainedBytes() {
    return 48 + 16 + 16 + 8L * keys.length;
  }

  /** Slots never exceed the smallest power of two at least twice {@code max}. */
  static long maxRetainedBytes(int max) {
    return 48 + 16 + 16 + 8L * Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, 2 * max - 1)) * 2);
  }
}
