package io.hybridmesh.agent.probe.binary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The file-backed mappings of {@code /proc/<pid>/maps}, one entry per path. */
final class ProcessMaps {

  static final int MAX_BYTES = 16 << 20;
  static final int MAX_FILES = 2048;

  /** A mapped file: its path inside the process's root, the first address range, and whether it was deleted. */
  record Mapping(String path, String range, boolean deleted) {}

  private ProcessMaps() {}

  static List<Mapping> read(Path maps) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(maps)) {
      bytes = in.readNBytes(MAX_BYTES);
    }
    return parse(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  /**
   * The pathname is the rest of the line after five fields, so names with spaces survive; a trailing
   * {@code " (deleted)"} marks a file replaced or removed after it was mapped. Anonymous and pseudo
   * mappings ({@code [heap]}, inode 0) are skipped.
   */
  static List<Mapping> parse(String text) {
    Map<String, Mapping> out = new LinkedHashMap<>();
    int start = 0;
    while (start < text.length() && out.size() < MAX_FILES) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? text.length() : nl;
      Mapping m = line(text.substring(start, end));
      if (m != null) {
        out.putIfAbsent(m.path(), m);
      }
      start = end + 1;
    }
    return new ArrayList<>(out.values());
  }

  private static Mapping line(String line) {
    int pos = 0;
    String range = null;
    String inode = null;
    for (int field = 0; field < 5; field++) {
      while (pos < line.length() && line.charAt(pos) == ' ') {
        pos++;
      }
      int e = line.indexOf(' ', pos);
      if (e < 0) {
        return null;
      }
      if (field == 0) {
        range = line.substring(pos, e);
      } else if (field == 4) {
        inode = line.substring(pos, e);
      }
      pos = e;
    }
    String path = line.substring(pos).stripLeading();
    if (!path.startsWith("/") || "0".equals(inode)) {
      return null;
    }
    boolean deleted = path.endsWith(" (deleted)");
    if (deleted) {
      path = path.substring(0, path.length() - " (deleted)".length());
    }
    return new Mapping(path, range, deleted);
  }
}
