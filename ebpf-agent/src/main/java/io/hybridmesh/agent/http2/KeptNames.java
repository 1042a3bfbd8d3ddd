package io.hybridmesh.agent.http2;

import java.nio.charset.StandardCharsets;

/**
 * The header names whose values are ever kept: the pseudo-headers a flow shows, what gRPC needs, and the
 * same ordinary headers the HTTP/1 parser keeps. Secrets (authorization, cookies) can never be kept
 * because they are not here. Every other field is decoded only as far as the HPACK table needs it.
 */
final class KeptNames {

  private KeptNames() {}

  static final int NONE = -1;
  static final int AUTHORITY = 0;
  static final int METHOD = 1;
  static final int PATH = 2;
  static final int SCHEME = 3;
  static final int STATUS = 4;
  static final int GRPC_STATUS = 5;
  static final int GRPC_MESSAGE = 6;
  /** From here on: ordinary headers, kept in a message's header list. */
  static final int FIRST_LISTED = 7;
  static final int CONTENT_TYPE = 7;
  static final int CONTENT_LENGTH = 8;
  static final int USER_AGENT = 9;
  static final int X_REQUEST_ID = 10;
  static final int TRACEPARENT = 11;
  static final int HOST = 12;
  static final int COUNT = 13;

  static final String[] NAMES = {
    ":authority", ":method", ":path", ":scheme", ":status", "grpc-status", "grpc-message",
    "content-type", "content-length", "user-agent", "x-request-id", "traceparent", "host",
  };
  private static final byte[][] BYTES = new byte[COUNT][];

  static {
    for (int i = 0; i < COUNT; i++) {
      BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The id of the name in [off, off+len), or {@link #NONE}. Names are lower case in HTTP/2. */
  static int id(byte[] b, int off, int len) {
    if (len < 4 || len > 14) {
      return NONE;
    }
    for (int i = 0; i < COUNT; i++) {
      byte[] n = BYTES[i];
      if (n.length == len && n[len - 1] == b[off + len - 1] && n[0] == b[off] && same(n, b, off)) {
        return i;
      }
    }
    return NONE;
  }

  private static boolean same(byte[] n, byte[] b, int off) {
    for (int i = 1; i < n.length - 1; i++) {
      if (n[i] != b[off + i]) {
        return false;
      }
    }
    return true;
  }

  static int id(String name) {
    for (int i = 0; i < COUNT; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return NONE;
  }
}
