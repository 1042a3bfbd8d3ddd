package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.tls.ProcessView.TlsFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS files seen in each root (a container's file system, or the host's), so that a new process gets
 * probes on them from its exec on, before its own files are read. Bounded: the roots used least recently go
 * first, and a root keeps its first files. Not thread-safe: {@link TlsProcessWatch}'s lock guards it.
 */
final class RootFiles {

  private static final int MAX_ROOTS = 1024;
  private static final int MAX_FILES_PER_ROOT = 32;

  private final Map<String, Map<String, TlsFile>> byRoot = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<String, TlsFile>> eldest) {
      return size() > MAX_ROOTS;
    }
  };

  /** The files known in this root (none for an unknown or null root). */
  List<TlsFile> known(String root) {
    Map<String, TlsFile> files = root == null ? null : byRoot.get(root);
    return files == null ? List.of() : new ArrayList<>(files.values());
  }

  void remember(String root, TlsFile f) {
    // A deleted library reached through one process's map_files is that process's alone.
    if (root == null || f.inner().startsWith("/proc/")) {
      return;
    }
    Map<String, TlsFile> files = byRoot.computeIfAbsent(root, r -> new LinkedHashMap<>());
    if (files.size() < MAX_FILES_PER_ROOT || files.containsKey(f.identity())) {
      files.put(f.identity(), f);
    }
  }
}
