package io.hybridmesh.agent.http;

/**
 * Holds a head that spans calls. Grows on demand and never beyond the head limit; callers check the
 * limit before appending, so growth here cannot be driven past it by input.
 */
final class HeadBuffer {

  private static final byte[] EMPTY = new byte[0];
  /** Idle connections should not pin a large buffer just because one head was big. */
  private static final int RETAIN = 4096;

  private final int max;
  private byte[] buf = EMPTY;
  private int len;

  HeadBuffer(int max) {
    this.max = max;
  }

  byte[] array() {
    return buf;
  }

  int length() {
    return len;
  }

  int capacity() {
    return buf.length;
  }

  byte last() {
    return len == 0 ? 0 : buf[len - 1];
  }

  /** Returns false, appending nothing, if the result would exceed the limit. */
  boolean append(byte[] src, int off, int n) {
    int need = len + n;
    if (n < 0 || need > max || need < 0) {
      return false;
    }
    if (need > buf.length) {
      int cap = Math.max(need, Math.max(256, buf.length * 2));
      byte[] grown = new byte[Math.min(cap, max)];
      System.arraycopy(buf, 0, grown, 0, len);
      buf = grown;
    }
    System.arraycopy(src, off, buf, len, n);
    len = need;
    return true;
  }

  void clear() {
    len = 0;
    if (buf.length > RETAIN) {
      buf = EMPTY;
    }
  }

  void free() {
    len = 0;
    buf = EMPTY;
  }
}
