package io.hybridmesh.agent.http;

import java.util.Arrays;

/**
 * The last head one direction of a connection parsed, byte for byte, with what it said. A keep-alive
 * connection mostly repeats its heads exactly (a load generator always, a server but for its Date
 * header once a second); a repeat is then recognised by one array compare instead of being scanned and
 * parsed again, and the Strings it yields are shared. Heads longer than {@link #MAX} bytes are not kept,
 * so a conversation's memory stays bounded: per direction at most {@link #MAX} bytes and the Strings
 * parsed from them; freed when the conversation closes or stops.
 */
final class HeadMemo {

  static final int MAX = 512;

  private byte[] bytes;
  private int length;
  private HeadParser.Parsed parsed;

  /**
   * What the head starting at {@code d[p]} says when the call's bytes from there begin with the last
   * head, else null. The last head ended with its blank line, so the same bytes end a head at the same
   * place: the head scan would stop there and the parser say the same.
   */
  HeadParser.Parsed match(byte[] d, int p, int end) {
    if (parsed == null || end - p < length || !Arrays.equals(d, p, p + length, bytes, 0, length)) {
      return null;
    }
    return parsed;
  }

  /** Bytes of the last head; valid when {@link #match} returned it. */
  int length() {
    return length;
  }

  /** Keeps a head that parsed as a request or response, if it is short enough. */
  void remember(byte[] b, int s, int n, HeadParser.Parsed result) {
    HeadParser.Kind kind = result.kind();
    if (n > MAX || (kind != HeadParser.Kind.REQUEST && kind != HeadParser.Kind.RESPONSE)) {
      return;
    }
    if (bytes == null || bytes.length < n) {
      bytes = new byte[n];
    }
    System.arraycopy(b, s, bytes, 0, n);
    length = n;
    parsed = result;
  }

  void clear() {
    bytes = null;
    length = 0;
    parsed = null;
  }
}
