package io.hybridmesh.api.net;

import java.util.Arrays;

/**
 * The formatter behind {@link IpAddress#format(byte[])} and {@link IpAddress#toString()}, with a cache of
 * the last text made for each of a few thousand addresses. A node's flows name the same addresses over
 * and over; sharing one String per address saves the formatting and, in the agent's flow ring, about a
 * tenth of each stored flow. Direct-mapped, racy on purpose: a lost update only means formatting once more.
 */
final class IpFormatCache {

  private static final int SLOTS = 4096;
  private static final Entry[] CACHE = new Entry[SLOTS];

  private record Entry(byte[] address, String text) {}

  private IpFormatCache() {}

  static String format(byte[] addr) {
    int slot = (Arrays.hashCode(addr) & 0x7fffffff) % SLOTS;
    Entry e = CACHE[slot];
    if (e != null && Arrays.equals(e.address, addr)) {
      return e.text;
    }
    String text = formatUncached(addr);
    CACHE[slot] = new Entry(addr.clone(), text);
    return text;
  }

  static String formatUncached(byte[] addr) {
    if (addr.length == 4) {
      return (addr[0] & 0xff) + "." + (addr[1] & 0xff) + "." + (addr[2] & 0xff) + "." + (addr[3] & 0xff);
    }
    if (addr.length != 16) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + addr.length);
    }
    if (IpAddress.isMapped(addr)) {
      return "::ffff:" + (addr[12] & 0xff) + "." + (addr[13] & 0xff) + "." + (addr[14] & 0xff) + "."
          + (addr[15] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (addr[2 * i] & 0xff) << 8 | (addr[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups, the first one on a tie, becomes "::".
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
