package io.hybridmesh.agent.http2;

import java.nio.charset.StandardCharsets;

/** The HPACK static table (RFC 7541 Appendix A): indices 1 to 61. */
final class StaticTable {

  private StaticTable() {}

  static final int SIZE = 61;

  /** Name and value of index i at [2 * (i - 1)] and [2 * (i - 1) + 1]. */
  private static final String[] PAIRS = {
    ":authority", "",
    ":method", "GET",
    ":method", "POST",
    ":path", "/",
    ":path", "/index.html",
    ":scheme", "http",
    ":scheme", "https",
    ":status", "200",
    ":status", "204",
    ":status", "206",
    ":status", "304",
    ":status", "400",
    ":status", "404",
    ":status", "500",
    "accept-charset", "",
    "accept-encoding", "gzip, deflate",
    "accept-language", "",
    "accept-ranges", "",
    "accept", "",
    "access-control-allow-origin", "",
    "age", "",
    "allow", "",
    "authorization", "",
    "cache-control", "",
    "content-disposition", "",
    "content-encoding", "",
    "content-language", "",
    "content-length", "",
    "content-location", "",
    "content-range", "",
    "content-type", "",
    "cookie", "",
    "date", "",
    "etag", "",
    "expect", "",
    "expires", "",
    "from", "",
    "host", "",
    "if-match", "",
    "if-modified-since", "",
    "if-none-match", "",
    "if-range", "",
    "if-unmodified-since", "",
    "last-modified", "",
    "link", "",
    "location", "",
    "max-forwards", "",
    "proxy-authenticate", "",
    "proxy-authorization", "",
    "range", "",
    "referer", "",
    "refresh", "",
    "retry-after", "",
    "server", "",
    "set-cookie", "",
    "strict-transport-security", "",
    "transfer-encoding", "",
    "user-agent", "",
    "vary", "",
    "via", "",
    "www-authenticate", "",
  };

  private static final byte[][] NAME_BYTES = new byte[SIZE + 1][];
  private static final byte[][] VALUE_BYTES = new byte[SIZE + 1][];
  private static final int[] KEPT = new int[SIZE + 1];

  static {
    for (int i = 1; i <= SIZE; i++) {
      NAME_BYTES[i] = name(i).getBytes(StandardCharsets.ISO_8859_1);
      VALUE_BYTES[i] = value(i).getBytes(StandardCharsets.ISO_8859_1);
      KEPT[i] = KeptNames.id(name(i));
    }
  }

  static String name(int index) {
    return PAIRS[2 * (index - 1)];
  }

  static String value(int index) {
    return PAIRS[2 * (index - 1) + 1];
  }

  static byte[] nameBytes(int index) {
    return NAME_BYTES[index];
  }

  static byte[] valueBytes(int index) {
    return VALUE_BYTES[index];
  }

  /** The {@link KeptNames} id of the entry's name. */
  static int kept(int index) {
    return KEPT[index];
  }
}
