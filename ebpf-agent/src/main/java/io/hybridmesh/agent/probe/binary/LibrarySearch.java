package io.hybridmesh.agent.probe.binary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Finds a DT_NEEDED library the way glibc's loader does, inside a {@link RootedFs}: a name with a slash is
 * a path; otherwise DT_RPATH (of the object, then of its loaders, unless the object has DT_RUNPATH), then
 * DT_RUNPATH, then the directories of {@code /etc/ld.so.conf} (standing in for {@code ld.so.cache}), then the
 * default directories. LD_LIBRARY_PATH is not known for a file and is ignored.
 */
final class LibrarySearch {

  private static final int MAX_CONF_FILES = 256;
  private static final int MAX_CONF_DEPTH = 8;
  private static final int MAX_DIRS = 256;
  private static final long MAX_CONF_BYTES = 256 << 10;

  private final RootedFs fs;
  private final List<String> systemDirs;

  LibrarySearch(RootedFs fs, List<String> systemDirs) {
    this.fs = fs;
    this.systemDirs = systemDirs;
  }

  String display(String inner) {
    return fs.display(inner);
  }

  /** The directories from ld.so.conf and its includes, then the defaults, inside {@code fs}. */
  static List<String> systemDirs(RootedFs fs, boolean is64) {
    Set<String> dirs = new LinkedHashSet<>();
    int[] files = {0};
    readConf(fs, "/etc/ld.so.conf", dirs, files, 0);
    String lib = is64 ? "lib64" : "lib";
    for (String d : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu", "/" + lib, "/usr/" + lib, "/lib", "/usr/lib")) {
      dirs.add(d);
    }
    return List.copyOf(dirs);
  }

  private static void readConf(RootedFs fs, String file, Set<String> dirs, int[] files, int depth) {
    if (depth > MAX_CONF_DEPTH || ++files[0] > MAX_CONF_FILES) {
      return;
    }
    Optional<RootedFs.Resolved> r = fs.resolve(file);
    if (r.isEmpty()) {
      return;
    }
    String text;
    try {
      if (!Files.isRegularFile(r.get().host()) || Files.size(r.get().host()) > MAX_CONF_BYTES) {
        return;
      }
      text = Files.readString(r.get().host(), StandardCharsets.ISO_8859_1);
    } catch (IOException | RuntimeException e) {
      return;
    }
    for (String raw : text.split("\n")) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
      if (line.startsWith("include")) {
        for (String pattern : line.substring(7).trim().split("\\s+")) {
          if (!pattern.isEmpty()) {
            String abs = pattern.startsWith("/") ? pattern : RootedFs.dirname(file) + "/" + pattern;
            for (String f : glob(fs, abs)) {
              readConf(fs, f, dirs, files, depth + 1);
            }
          }
        }
      } else if (line.startsWith("/") && dirs.size() < MAX_DIRS) {
        dirs.add(line.split("[\\s:,=]")[0]); // old syntax allowed "dir=TYPE"
      }
    }
  }

  /** Expands a '*'/'?' pattern in the last component only, sorted like glob(3). */
  private static List<String> glob(RootedFs fs, String pattern) {
    String dir = RootedFs.dirname(pattern);
    String name = pattern.substring(pattern.lastIndexOf('/') + 1);
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      return List.of(pattern);
    }
    Optional<RootedFs.Resolved> d = fs.resolve(dir);
    if (d.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d.get().host())) {
        for (Path p : s) {
          if (m.matches(p.getFileName()) && out.size() < MAX_CONF_FILES) {
            out.add(d.get().inner() + "/" + p.getFileName());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  /**
   * Resolves {@code needed} for an object in {@code originDir}; {@code accept} rejects candidates of the wrong
   * ELF class or machine so that the search goes on, as the loader's does.
   */
  Optional<RootedFs.Resolved> find(String needed, String originDir, String runpath, List<String> rpaths,
      boolean is64, Predicate<RootedFs.Resolved> accept) {
    if (needed.contains("/")) {
      String p = needed.startsWith("/") ? needed : originDir + "/" + needed;
      return fs.resolve(p).filter(accept);
    }
    List<String> dirs = new ArrayList<>();
    if (runpath == null) {
      for (String rp : rpaths) {
        dirs.addAll(expand(rp, originDir, is64));
      }
    } else {
      dirs.addAll(expand(runpath, originDir, is64));
    }
    dirs.addAll(systemDirs);
    Set<String> tried = new LinkedHashSet<>();
    for (String d : dirs) {
      if (tried.size() >= MAX_DIRS) {
        break;
      }
      if (!tried.add(d)) {
        continue;
      }
      Optional<RootedFs.Resolved> r = fs.resolve(d + "/" + needed);
      if (r.isPresent() && Files.isRegularFile(r.get().host()) && accept.test(r.get())) {
        return r;
      }
    }
    return Optional.empty();
  }

  /** Splits a search path and expands $ORIGIN, $LIB and $PLATFORM; empty entries (the cwd) are dropped. */
  static List<String> expand(String searchPath, String originDir, boolean is64) {
    List<String> out = new ArrayList<>();
    for (String e : searchPath.split(":")) {
      if (e.isEmpty()) {
        continue;
      }
      String x = e.replace("${ORIGIN}", originDir).replace("$ORIGIN", originDir)
          .replace("${LIB}", is64 ? "lib64" : "lib").replace("$LIB", is64 ? "lib64" : "lib")
          .replace("${PLATFORM}", "x86_64").replace("$PLATFORM", "x86_64");
      out.add(x);
    }
    return out;
  }
}
