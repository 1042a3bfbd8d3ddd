package io.hybridmesh.jni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Tiny functions inside libhmjni whose first instruction is known, for measuring what a uprobe hit costs
 * on this machine: {@link #sites()} says where each sits in the library's file (what a uprobe is attached
 * at), {@link #time} calls one from a C loop and says how long that took. x86-64 only: elsewhere
 * {@link #unsupported()} says why.
 */
public final class CalibrationFunctions {

  /** The functions, and the first instruction the kernel meets when a uprobe sits on their entry. */
  public enum Function {
    /** Never probed: the loop's own cost, subtracted from the others. */
    PLAIN("push %rbp"),
    /** Emulated by the kernel's uprobe code since Linux 4.16: no single step. */
    EMULATED("push %rbp"),
    /** Copied out of line and single-stepped, as at the entry of OpenSSL 3's SSL_write. */
    SINGLE_STEPPED("sub $0x8,%rsp");

    private final String firstInstruction;

    Function(String firstInstruction) {
      this.firstInstruction = firstInstruction;
    }

    public String firstInstruction() {
      return firstInstruction;
    }
  }

  /**
   * Where a function is.
   *
   * @param file a path the kernel can open to the very file that is mapped (the library is extracted to a
   *     file deleted right after loading, so usually {@code /proc/PID/map_files/START-END})
   * @param fileOffset the file offset a uprobe is attached at
   * @param address where the function is mapped in this process
   */
  public record Site(Function function, Path file, long fileOffset, long address) {

    /** A uprobe on this function's entry (or a uretprobe on its return) in process {@code pid} only. */
    public UprobeTarget target(boolean returnProbe, int pid) {
      return new UprobeTarget(file, null, fileOffset, returnProbe, pid);
    }
  }

  private CalibrationFunctions() {}

  /** Why there is nothing to measure here (for example {@code aarch64}), or empty on x86-64. */
  public static Optional<String> unsupported() {
    NativeLibrary.load();
    String arch = Native.calibrationArch();
    return arch.equals("x86_64") ? Optional.empty() : Optional.of(arch);
  }

  /**
   * Where each function is.
   *
   * @throws UnsupportedOperationException not x86-64
   * @throws IllegalStateException the mapping cannot be found, or the ELF and the process maps disagree
   */
  public static Map<Function, Site> sites() {
    NativeLibrary.load();
    long[] raw = Native.calibrationSites();
    if (raw == null) {
      throw new UnsupportedOperationException("uprobe calibration exists on x86-64 only, not "
          + Native.calibrationArch());
    }
    String maps;
    try {
      maps = Files.readString(Path.of("/proc/self/maps"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/maps", e);
    }
    long pid = ProcessHandle.current().pid();
    Map<Function, Site> out = new EnumMap<>(Function.class);
    for (Function f : Function.values()) {
      long address = raw[2 * f.ordinal()];
      long elfOffset = raw[2 * f.ordinal() + 1];
      Mapping m = Mapping.find(maps, address).orElseThrow(() -> new IllegalStateException(
          "no mapping in /proc/self/maps holds " + f + " at 0x" + Long.toHexString(address)));
      if (m.fileOffset(address) != elfOffset) {
        throw new IllegalStateException(f + ": the ELF program headers give file offset 0x"
            + Long.toHexString(elfOffset) + ", /proc/self/maps 0x" + Long.toHexString(m.fileOffset(address)));
      }
      out.put(f, new Site(f, m.openablePath(pid), elfOffset, address));
    }
    return out;
  }

  /** The library's file as the loader named it (it is usually deleted by now). */
  public static String library() {
    NativeLibrary.load();
    return Native.calibrationLibrary();
  }

  /** Nanoseconds to call {@code function} {@code calls} times in a C loop (CLOCK_MONOTONIC). */
  public static long time(Function function, int calls) {
    NativeLibrary.load();
    return Native.calibrationLoop(function.ordinal(), calls);
  }

  /** One line of {@code /proc/PID/maps}. Package-private for tests. */
  record Mapping(long start, long end, long offset, long inode, String path) {

    /** The line whose range holds the address; only that line is split (a JVM maps thousands). */
    static Optional<Mapping> find(String maps, long address) {
      int from = 0;
      while (from < maps.length()) {
        int nl = maps.indexOf('\n', from);
        String line = maps.substring(from, nl < 0 ? maps.length() : nl);
        from = nl < 0 ? maps.length() : nl + 1;
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        if (dash <= 0 || space < dash) {
          continue;
        }
        long start = Long.parseUnsignedLong(line.substring(0, dash), 16);
        long end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
        if (Long.compareUnsigned(address, start) < 0 || Long.compareUnsigned(address, end) >= 0) {
          continue;
        }
        // start-end perms offset dev inode [path, which may hold spaces and end in " (deleted)"]
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 5) {
          return Optional.empty();
        }
        return Optional.of(new Mapping(start, end, Long.parseUnsignedLong(f[2], 16), Long.parseLong(f[4]),
            f.length == 6 ? f[5] : ""));
      }
      return Optional.empty();
    }

    long fileOffset(long address) {
      return address - start + offset;
    }

    /**
     * The mapped file by its own name when that name still leads to it (same inode), else through
     * {@code /proc/PID/map_files}, which reaches a deleted file as long as it is mapped.
     */
    Path openablePath(long pid) {
      if (!path.isEmpty() && path.startsWith("/") && !path.endsWith(" (deleted)")) {
        try {
          Object ino = Files.getAttribute(Path.of(path), "unix:ino");
          if (ino instanceof Long l && l == inode) {
            return Path.of(path);
          }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
          // fall through to map_files
        }
      }
      return mapFiles(pid);
    }

    Path mapFiles(long pid) {
      return Path.of("/proc/" + pid + "/map_files/" + Long.toHexString(start) + "-" + Long.toHexString(end));
    }
  }
}
