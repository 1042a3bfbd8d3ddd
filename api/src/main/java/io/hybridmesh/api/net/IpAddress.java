package io.hybridmesh.api.net;

import java.util.Arrays;

/**
 * An IP address, read from and written as text one way for the whole code base: every module parses
 * literals with {@link #parse} (never through {@code InetAddress}, which would resolve a name) and writes
 * them with {@link #toString()} or {@link #format(byte[])} (RFC 5952 for IPv6). Immutable; 128 bits in two
 * longs, IPv4 in the low 32 bits of {@code lo}.
 *
 * <p>IPv4-mapped IPv6 ({@code ::ffff:10.0.0.5}) is what a socket bound to {@code ::} reports for an IPv4
 * peer. It stays what it is when parsed or formatted; {@link #unmapped()}, {@link #unmap(byte[])} and
 * {@link #normalize(String)} turn it into the IPv4 address users know, and the decoders that make flows
 * (kernel events, Envoy access logs) apply them, so flows never carry the mapped form.
 */
public final class IpAddress {

  private final boolean v6;
  private final long hi;
  private final long lo;
  private final String zone;

  private IpAddress(boolean v6, long hi, long lo, String zone) {
    this.v6 = v6;
    this.hi = hi;
    this.lo = lo;
    this.zone = zone;
  }

  static IpAddress ofV4(int bits) {
    return new IpAddress(false, 0, bits & 0xffff_ffffL, "");
  }

  static IpAddress ofV6(long hi, long lo, String zone) {
    return new IpAddress(true, hi, lo, zone);
  }

  /**
   * Parses an IPv4 or IPv6 literal.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static IpAddress parse(String text) {
    IpText parser = new IpText(text);
    IpAddress a = parser.parse();
    if (a == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address: " + parser.reason);
    }
    return a;
  }

  /** The address, or {@code null} when the text is not a literal (for checks that have no one to tell). */
  public static IpAddress parseOrNull(String text) {
    return new IpText(text).parse();
  }

  public static boolean isLiteral(String text) {
    return parseOrNull(text) != null;
  }

  /** From raw bytes as the kernel has them: 4 for IPv4, 16 for IPv6. */
  public static IpAddress of(byte[] raw) {
    if (raw.length == 4) {
      return ofV4((raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | (raw[3] & 0xff));
    }
    if (raw.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + raw.length);
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = hi << 8 | (raw[i] & 0xff);
      lo = lo << 8 | (raw[i + 8] & 0xff);
    }
    return new IpAddress(true, hi, lo, "");
  }

  /** An IPv4-mapped IPv6 address as its 4 IPv4 bytes; any other address as the same array. */
  public static byte[] unmap(byte[] raw) {
    return raw.length == 16 && isMapped(raw) ? Arrays.copyOfRange(raw, 12, 16) : raw;
  }

  /**
   * A literal as flows carry it: canonical text, IPv4-mapped IPv6 as IPv4. Text that is not a literal (an
   * empty field, a socket path) comes back unchanged; IPv4 text is returned as it is without parsing.
   */
  public static String normalize(String text) {
    if (text == null || text.indexOf(':') < 0) {
      return text;
    }
    IpAddress a = parseOrNull(text);
    return a == null ? text : a.unmapped().toString();
  }

  /**
   * 4 bytes as a dotted quad, 16 as RFC 5952 text (longest run of two or more zero groups as "::", lower
   * case, IPv4-mapped with a dotted tail). Cached: see {@link IpFormatCache}.
   */
  public static String format(byte[] raw) {
    return IpFormatCache.format(raw);
  }

  /** {@code host:port}, with an IPv6 literal in brackets ({@code [fd00::4]:8080}) so the port stays apart. */
  public static String withPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public boolean isV6() {
    return v6;
  }

  /** {@code ::ffff:a.b.c.d}. */
  public boolean isV4Mapped() {
    return v6 && hi == 0 && (lo >>> 32) == 0xffffL;
  }

  /** The IPv4 address inside an IPv4-mapped one; any other address as itself. */
  public IpAddress unmapped() {
    return isV4Mapped() ? ofV4((int) lo) : this;
  }

  /** 127.0.0.0/8 or ::1 (also as IPv4-mapped). */
  public boolean isLoopback() {
    IpAddress a = unmapped();
    return a.v6 ? a.hi == 0 && a.lo == 1 : (a.lo >>> 24) == 127;
  }

  /** 0.0.0.0 or :: (also as IPv4-mapped): a wildcard, not a peer. */
  public boolean isUnspecified() {
    IpAddress a = unmapped();
    return a.hi == 0 && a.lo == 0;
  }

  /** The zone id of a link-local IPv6 address ({@code fe80::1%eth0}), or "". */
  public String zone() {
    return zone;
  }

  long hi() {
    return hi;
  }

  long lo() {
    return lo;
  }

  public byte[] bytes() {
    byte[] out = new byte[v6 ? 16 : 4];
    if (!v6) {
      for (int i = 0; i < 4; i++) {
        out[i] = (byte) (lo >>> (24 - 8 * i));
      }
      return out;
    }
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (hi >>> (56 - 8 * i));
      out[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    return out;
  }

  @Override
  public String toString() {
    String text = IpFormatCache.formatUncached(bytes());
    return zone.isEmpty() ? text : text + "%" + zone;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpAddress a && a.v6 == v6 && a.hi == hi && a.lo == lo && a.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi) * 31 + Long.hashCode(lo) + (v6 ? 1 : 0) + zone.hashCode();
  }

  static boolean isMapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }
}
