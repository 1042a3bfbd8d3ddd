package io.hybridmesh.agent.observer;

/**
 * IP literals and CIDR ranges without {@code InetAddress} (which could resolve names) and without
 * allocation when matching: an address is 128 bits in two longs; IPv4 uses the low 32 bits.
 */
final class IpMatch {
  private IpMatch() {}

  /** A parsed address: v6 flag plus 128 bits. Mutable scratch, one per thread. */
  static final class Addr {
    boolean v6;
    long hi;
    long lo;
  }

  private static final ThreadLocal<Addr> SCRATCH = ThreadLocal.withInitial(Addr::new);

  /** An exact address (prefix = full length) or a CIDR range. */
  static final class Cidr {
    final boolean v6;
    final long hi;
    final long lo;
    final int bits;
    final long maskHi;
    final long maskLo;

    Cidr(boolean v6, long hi, long lo, int bits) {
      this.v6 = v6;
      int total = v6 ? 128 : 32;
      long mHi;
      long mLo;
      if (v6) {
        mHi = bits >= 64 ? -1L : bits == 0 ? 0L : -1L << (64 - bits);
        mLo = bits <= 64 ? 0L : bits == 128 ? -1L : -1L << (128 - bits);
      } else {
        mHi = 0L;
        mLo = bits == 0 ? 0L : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
      }
      this.maskHi = mHi;
      this.maskLo = mLo;
      this.hi = hi & mHi;
      this.lo = lo & mLo;
      this.bits = Math.min(bits, total);
    }

    /** True if the literal {@code ip} is inside this range; false for unparsable input. */
    boolean contains(String ip) {
      Addr a = SCRATCH.get();
      if (!parse(ip, a) || a.v6 != v6) {
        return false;
      }
      return (a.hi & maskHi) == hi && (a.lo & maskLo) == lo;
    }
  }

  /** Parses "addr" or "addr/bits"; throws IllegalArgumentException naming {@code field}. */
  static Cidr parseCidr(String value, String field) {
    String v = value.trim();
    int slash = v.indexOf('/');
    String addr = slash < 0 ? v : v.substring(0, slash);
    Addr a = new Addr();
    if (!parse(addr, a)) {
      throw new IllegalArgumentException(field + ": \"" + value + "\" is not an IP address or CIDR");
    }
    int max = a.v6 ? 128 : 32;
    int bits = max;
    if (slash >= 0) {
      String b = v.substring(slash + 1);
      try {
        bits = Integer.parseInt(b);
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (b.isEmpty() || !b.chars().allMatch(c -> c >= '0' && c <= '9') || bits < 0 || bits > max) {
        throw new IllegalArgumentException(field + ": \"" + value + "\" has an invalid prefix length (0.." + max + ")");
      }
    }
    return new Cidr(a.v6, a.hi, a.lo, bits);
  }

  /** Parses an IPv4 or IPv6 literal (zone id ignored) into {@code out}. */
  static boolean parse(String s, Addr out) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      out.v6 = true;
      return parseV6(s, out);
    }
    long v = parseV4(s, 0, s.length());
    if (v < 0) {
      return false;
    }
    out.v6 = false;
    out.hi = 0;
    out.lo = v;
    return true;
  }

  /** IPv4 dotted quad in s[from, to) → 32-bit value, or -1. */
  static long parseV4(String s, int from, int to) {
    long value = 0;
    int octets = 0;
    int i = from;
    while (i <= to) {
      int start = i;
      int n = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        n = n * 10 + (s.charAt(i) - '0');
        i++;
        if (i - start > 3) {
          return -1;
        }
      }
      if (i == start || n > 255) {
        return -1;
      }
      value = (value << 8) | n;
      octets++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != '.' || octets == 4) {
        return -1;
      }
      i++;
    }
    return octets == 4 ? value : -1;
  }

  private static boolean parseV6(String s, Addr out) {
    int end = s.indexOf('%');
    if (end < 0) {
      end = s.length();
    }
    // Groups before "::" go to head, after it to tail; each is a 128-bit accumulator in two longs.
    long headHi = 0, headLo = 0, tailHi = 0, tailLo = 0;
    int headN = 0, tailN = 0;
    boolean dbl = false;
    int i = 0;
    if (end >= 2 && s.charAt(0) == ':' && s.charAt(1) == ':') {
      dbl = true;
      i = 2;
    } else if (end >= 1 && s.charAt(0) == ':') {
      return false;
    }
    while (i < end) {
      int start = i;
      int g = 0;
      while (i < end && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
        g = (g << 4) | Character.digit(s.charAt(i), 16);
        i++;
      }
      int len = i - start;
      if (i < end && s.charAt(i) == '.') {
        // Embedded IPv4 tail: two groups.
        long v4 = parseV4(s, start, end);
        if (v4 < 0) {
          return false;
        }
        for (int k = 0; k < 2; k++) {
          int grp = (int) (k == 0 ? (v4 >>> 16) : (v4 & 0xFFFF));
          if (dbl) {
            tailHi = (tailHi << 16) | (tailLo >>> 48);
            tailLo = (tailLo << 16) | grp;
            tailN++;
          } else {
            headHi = (headHi << 16) | (headLo >>> 48);
            headLo = (headLo << 16) | grp;
            headN++;
          }
        }
        i = end;
        break;
      }
      if (len == 0 || len > 4) {
        return false;
      }
      if (dbl) {
        tailHi = (tailHi << 16) | (tailLo >>> 48);
        tailLo = (tailLo << 16) | g;
        tailN++;
      } else {
        headHi = (headHi << 16) | (headLo >>> 48);
        headLo = (headLo << 16) | g;
        headN++;
      }
      if (i == end) {
        break;
      }
      if (s.charAt(i) != ':') {
        return false;
      }
      i++;
      if (i < end && s.charAt(i) == ':') {
        if (dbl) {
          return false;
        }
        dbl = true;
        i++;
      } else if (i == end) {
        return false; // trailing single ':'
      }
    }
    int n = headN + tailN;
    if (n > 8 || (!dbl && n != 8) || (dbl && n == 8)) {
      return false;
    }
    // Shift head left by 16 * (8 - headN) bits and OR the tail in.
    int shift = 16 * (8 - headN);
    long hi;
    long lo;
    if (shift == 0) {
      hi = headHi;
      lo = headLo;
    } else if (shift >= 128) {
      hi = 0;
      lo = 0;
    } else if (shift >= 64) {
      hi = headLo << (shift - 64);
      lo = 0;
    } else {
      hi = (headHi << shift) | (headLo >>> (64 - shift));
      lo = headLo << shift;
    }
    out.hi = hi | tailHi;
    out.lo = lo | tailLo;
    return true;
  }
}
