package io.hybridmesh.agent.tls;

/**
 * A number that changes when a process maps another file with executable code: the hash of the lines of
 * {@code /proc/PID/maps} whose permissions have {@code x} and whose inode is not 0 (file-backed code:
 * executables, shared libraries, a library loaded with dlopen, even one deleted after it was mapped).
 *
 * <p>Why: finding a process's TLS libraries means reading its executable, its maps and every mapped file's
 * identity, several milliseconds for a JVM (about 270 mappings), and the rescan does it for every watched
 * process. Reading the maps alone costs a tenth of that, and a process whose code mappings did not change
 * has no new library to probe. Anonymous code (JIT) and data mappings come and go all the time and are
 * left out, so they do not cause a probe.
 */
final class MapsFingerprint {

  /** What {@link #of} returns when nothing could be read: never equal to a fingerprint of real maps. */
  static final long UNKNOWN = Long.MIN_VALUE;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private MapsFingerprint() {}

  /** The fingerprint of {@code length} bytes of maps text; lines that are not file-backed code are skipped. */
  static long of(byte[] maps, int length) {
    long h = FNV_OFFSET;
    int end = Math.min(length, maps.length);
    int start = 0;
    while (start < end) {
      int nl = start;
      while (nl < end && maps[nl] != '\n') {
        nl++;
      }
      if (fileBackedCode(maps, start, nl)) {
        for (int i = start; i < nl; i++) {
          h = (h ^ (maps[i] & 0xff)) * FNV_PRIME;
        }
        h = (h ^ '\n') * FNV_PRIME;
      }
      start = nl + 1;
    }
    return h == UNKNOWN ? UNKNOWN + 1 : h;
  }

  /**
   * {@code start-end perms offset dev inode [path]}: the third permission letter is {@code x}, and the inode
   * (fifth field) is not {@code 0}.
   */
  private static boolean fileBackedCode(byte[] b, int from, int to) {
    int field = 0;
    int i = from;
    while (i < to && field < 5) {
      while (i < to && b[i] == ' ') {
        i++;
      }
      int f = i;
      while (i < to && b[i] != ' ') {
        i++;
      }
      if (f == i) {
        return false;
      }
      if (field == 1 && (i - f < 3 || b[f + 2] != 'x')) {
        return false;
      }
      if (field == 4) {
        return !(i - f == 1 && b[f] == '0');
      }
      field++;
    }
    return false;
  }
}
