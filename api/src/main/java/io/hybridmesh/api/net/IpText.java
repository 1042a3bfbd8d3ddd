package io.hybridmesh.api.net;

/**
 * The one parser of IP literals: IPv4 as four decimal numbers, IPv6 as RFC 4291 text (one "::" at most, a
 * dotted IPv4 tail, a zone id after '%'). Nothing here can look a name up: text that is not a literal is
 * refused with the reason, never handed to a resolver. One instance per parse; on failure {@link #reason}
 * says why.
 *
 * <p>Stricter than {@code InetAddress}: an IPv4 number with a leading zero ({@code 010.0.0.1}) is refused,
 * because C's {@code inet_aton} and some tools read it as octal, so two programs would disagree on what it
 * means; shorthand forms ({@code 10.1}, {@code 167772161}) are refused for the same reason.
 */
final class IpText {

  private final String s;
  String reason;

  IpText(String s) {
    this.s = s;
  }

  /** The address, or {@code null} with {@link #reason} set. */
  IpAddress parse() {
    if (s == null || s.isEmpty()) {
      return fail("it is empty");
    }
    if (s.charAt(0) == '[') {
      return fail("write it without the brackets (they belong to host:port)");
    }
    if (s.indexOf(':') >= 0) {
      return v6();
    }
    long v4 = v4(0, s.length());
    return v4 < 0 ? null : IpAddress.ofV4((int) v4);
  }

  /** Four decimal numbers in s[from, to): the 32-bit value, or -1 with the reason set. */
  private long v4(int from, int to) {
    long value = 0;
    int numbers = 0;
    int i = from;
    while (true) {
      int start = i;
      while (i < to && isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start) {
        if (i < to && s.charAt(i) != '.') {
          return failV4(isLetterOrDigit(s.charAt(i))
              ? "only digits and dots make an IPv4 address (a name is never looked up here)"
              : "'" + s.charAt(i) + "' cannot appear in an IPv4 address");
        }
        return failV4("a number is missing between dots");
      }
      if (i - start > 1 && s.charAt(start) == '0') {
        return failV4("'" + s.substring(start, i) + "' has a leading zero, which some programs read as octal");
      }
      if (i - start > 3 || Integer.parseInt(s, start, i, 10) > 255) {
        return failV4("'" + s.substring(start, i) + "' is above 255");
      }
      value = value << 8 | Integer.parseInt(s, start, i, 10);
      numbers++;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != '.') {
        return failV4(isLetterOrDigit(s.charAt(i))
            ? "only digits and dots make an IPv4 address (a name is never looked up here)"
            : "'" + s.charAt(i) + "' cannot appear in an IPv4 address");
      }
      if (numbers == 4) {
        return failV4("an IPv4 address has four numbers, this has more");
      }
      i++;
    }
    if (numbers != 4) {
      return failV4("an IPv4 address has four numbers, this has " + numbers);
    }
    return value;
  }

  private IpAddress v6() {
    int end = s.indexOf('%');
    String zone = "";
    if (end >= 0) {
      zone = s.substring(end + 1);
      if (zone.isEmpty()) {
        return fail("the zone id after '%' is empty");
      }
      for (int k = 0; k < zone.length(); k++) {
        char c = zone.charAt(k);
        if (!(isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
          return fail("the zone id '" + zone + "' may hold letters, digits, '-', '_' and '.' only");
        }
      }
    } else {
      end = s.length();
    }
    int[] groups = new int[8];
    int n = 0;
    int gap = -1; // where "::" stands among the groups
    int i = 0;
    if (s.startsWith("::")) {
      gap = 0;
      i = 2;
    } else if (s.charAt(0) == ':') {
      return fail("it starts with a single ':'");
    }
    while (i < end) {
      int start = i;
      while (i < end && hex(s.charAt(i)) >= 0) {
        i++;
      }
      if (i < end && s.charAt(i) == '.') {
        // A dotted IPv4 tail (::ffff:10.0.0.5) is the last two groups and must end the address.
        if (n > 6) {
          return fail("an IPv4 tail leaves room for six groups before it, this has " + n);
        }
        long v4 = v4(start, end);
        if (v4 < 0) {
          return null;
        }
        groups[n++] = (int) (v4 >>> 16);
        groups[n++] = (int) (v4 & 0xffff);
        i = end;
        break;
      }
      if (i == start) {
        char c = i < end ? s.charAt(i) : ' ';
        return fail(c == ':' ? "':::' is not allowed" : "'" + c + "' is not a hex digit");
      }
      if (i - start > 4) {
        return fail("the group '" + s.substring(start, i) + "' has more than four hex digits");
      }
      if (n == 8) {
        return fail("an IPv6 address has at most eight groups");
      }
      int g = 0;
      for (int k = start; k < i; k++) {
        g = g << 4 | hex(s.charAt(k));
      }
      groups[n++] = g;
      if (i == end) {
        break;
      }
      if (s.charAt(i) != ':') {
        return fail("'" + s.charAt(i) + "' is not a hex digit");
      }
      i++;
      if (i < end && s.charAt(i) == ':') {
        if (gap >= 0) {
          return fail("'::' may appear only once");
        }
        gap = n;
        i++;
      } else if (i == end) {
        return fail("it ends with a single ':'");
      }
    }
    if (gap < 0 && n != 8) {
      return fail("an IPv6 address has eight groups (or '::' for a run of zeros), this has " + n);
    }
    if (gap >= 0 && n == 8) {
      return fail("'::' stands for at least one zero group, but all eight are written");
    }
    long hi = 0;
    long lo = 0;
    for (int k = 0; k < 8; k++) {
      int g;
      if (gap < 0 || k < gap) {
        g = groups[k];
      } else {
        int fromEnd = 8 - k; // groups after the gap fill the last positions
        g = fromEnd <= n - gap ? groups[n - fromEnd] : 0;
      }
      if (k < 4) {
        hi = hi << 16 | g;
      } else {
        lo = lo << 16 | g;
      }
    }
    return IpAddress.ofV6(hi, lo, zone);
  }

  private IpAddress fail(String why) {
    reason = why;
    return null;
  }

  private long failV4(String why) {
    reason = why;
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetterOrDigit(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** ASCII hex only: {@code Character.digit} would take other scripts' digits too. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
