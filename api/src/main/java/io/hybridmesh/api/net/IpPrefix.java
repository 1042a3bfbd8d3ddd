package io.hybridmesh.api.net;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/64}), or one address (a literal
 * without "/bits" is its own full-length range). Immutable.
 *
 * <p>IPv4-mapped IPv6 is matched as the IPv4 address it carries, on both sides: {@code --ip 10.0.0.0/8}
 * matches a flow that still says {@code ::ffff:10.0.0.5} (from a source that does not normalize), and
 * {@code --ip ::ffff:10.0.0.5} matches the flow that says {@code 10.0.0.5}.
 */
public final class IpPrefix {

  private final boolean v6;
  private final long hi;
  private final long lo;
  private final int bits;
  private final long maskHi;
  private final long maskLo;

  private IpPrefix(IpAddress base, int bits) {
    this.v6 = base.isV6();
    this.bits = bits;
    if (v6) {
      maskHi = bits >= 64 ? -1L : bits == 0 ? 0L : -1L << (64 - bits);
      maskLo = bits <= 64 ? 0L : bits == 128 ? -1L : -1L << (128 - bits);
    } else {
      maskHi = 0L;
      maskLo = bits == 0 ? 0L : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
    }
    this.hi = base.hi() & maskHi;
    this.lo = base.lo() & maskLo;
  }

  /**
   * Parses {@code address} or {@code address/bits}. A mapped IPv6 range ({@code ::ffff:10.0.0.0/104})
   * becomes its IPv4 range.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static IpPrefix parse(String text) {
    String v = text == null ? "" : text.trim();
    int slash = v.indexOf('/');
    IpText parser = new IpText(slash < 0 ? v : v.substring(0, slash));
    IpAddress a = parser.parse();
    if (a == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range: " + parser.reason);
    }
    int max = a.isV6() ? 128 : 32;
    int bits = max;
    if (slash >= 0) {
      String b = v.substring(slash + 1);
      if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(c -> c >= '0' && c <= '9')
          || Integer.parseInt(b) > max) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length (0.." + max + ")");
      }
      bits = Integer.parseInt(b);
    }
    if (a.isV4Mapped() && bits >= 96) {
      return new IpPrefix(a.unmapped(), bits - 96);
    }
    return new IpPrefix(a, bits);
  }

  public boolean contains(IpAddress address) {
    IpAddress a = address.unmapped();
    return a.isV6() == v6 && (a.hi() & maskHi) == hi && (a.lo() & maskLo) == lo;
  }

  /** Whether a literal is in the range; false for text that is not a literal (an empty field). */
  public boolean contains(String literal) {
    IpAddress a = IpAddress.parseOrNull(literal);
    return a != null && contains(a);
  }

  public int bits() {
    return bits;
  }

  @Override
  public String toString() {
    byte[] raw = v6 ? IpAddress.ofV6(hi, lo, "").bytes() : IpAddress.ofV4((int) lo).bytes();
    return IpAddress.format(raw) + "/" + bits;
  }
}
