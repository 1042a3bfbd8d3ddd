package io.hybridmesh.agent.proc;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent reads of {@code /proc}, in one place: which entries are processes, the two fields of
 * {@code /proc/<pid>/stat} it needs, a process's network namespace, a file's identity. Every reader treats a
 * process that ends between listing and reading as gone, never as an error.
 */
public final class ProcFs {

  private ProcFs() {}

  /** Whether a directory name under /proc is a pid. */
  public static boolean isPid(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** The pid directories under {@code proc}, at most {@code max}; empty when it cannot be listed. */
  public static List<Path> processDirs(Path proc, int max) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path d : dirs) {
        if (out.size() >= max) {
          break;
        }
        out.add(d);
      }
    }
    return out;
  }

  /** [ppid, starttime] from the text of /proc/PID/stat, or null. The command name may hold spaces and ')'. */
  public static long[] stat(String stat) {
    if (stat == null) {
      return null;
    }
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    String[] f = stat.substring(close + 1).trim().split(" ");
    // After the name: state(0) ppid(1) ... starttime is field 22 overall, index 19 here.
    if (f.length < 20) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[19])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A small text file of /proc, or null when gone, unreadable, too large or not text. */
  public static String read(Path p) {
    try {
      if (Files.size(p) > 65536) {
        return null;
      }
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The inode of a process's network namespace, or -1 when it is gone or hidden. */
  public static long netnsInode(Path processDir) {
    try {
      Object ino = Files.getAttribute(processDir.resolve("ns/net"), "unix:ino");
      return ino instanceof Long l ? l : -1;
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return -1;
    }
  }

  /** Device and inode of a file ("dev:ino"): two paths to one file name it alike. Null when unreadable. */
  public static String identity(Path p) {
    try {
      return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return null;
    }
  }
}
