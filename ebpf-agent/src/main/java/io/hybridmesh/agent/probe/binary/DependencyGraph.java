package io.hybridmesh.agent.probe.binary;

import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Breadth-first walk of DT_NEEDED from an executable, as the loader would load it: each soname once, each
 * library found through {@link LibrarySearch}. Bounded in depth and in files.
 */
final class DependencyGraph {

  static final int MAX_DEPTH = 16;
  static final int MAX_FILES = 512;

  /** Source of per-file facts (cached by the caller); null when the file cannot be analysed. */
  interface FactsSource {
    FileFacts facts(RootedFs.Resolved file, FileKey key);
  }

  final List<GraphNode> nodes = new ArrayList<>();
  final List<String> missing = new ArrayList<>();
  final Set<FileKey> keys = new HashSet<>();

  private record Pending(GraphNode node, List<String> rpaths) {}

  static DependencyGraph walk(GraphNode exe, LibrarySearch search, FactsSource source) {
    DependencyGraph g = new DependencyGraph();
    g.nodes.add(exe);
    if (exe.key() != null) {
      g.keys.add(exe.key());
    }
    Set<String> loadedNames = new HashSet<>();
    Deque<Pending> queue = new ArrayDeque<>();
    queue.add(new Pending(exe, rpaths(List.of(), exe)));
    while (!queue.isEmpty() && g.nodes.size() < MAX_FILES) {
      Pending p = queue.poll();
      GraphNode from = p.node();
      if (from.depth() >= MAX_DEPTH) {
        continue;
      }
      String origin = RootedFs.dirname(from.inner());
      for (String needed : from.facts().dynamic().needed()) {
        if (!loadedNames.add(needed) || g.nodes.size() >= MAX_FILES) {
          continue;
        }
        FileFacts[] found = new FileFacts[1];
        FileKey[] foundKey = new FileKey[1];
        Optional<RootedFs.Resolved> r = search.find(needed, origin, from.facts().dynamic().runpath(),
            p.rpaths(), from.facts().is64(), cand -> {
              FileKey k = FileKey.of(cand.host());
              FileFacts f = k == null ? null : source.facts(cand, k);
              boolean ok = f != null && f.is64() == from.facts().is64() && f.machine() == from.facts().machine();
              if (ok) {
                found[0] = f;
                foundKey[0] = k;
              }
              return ok;
            });
        if (r.isEmpty()) {
          g.missing.add(needed);
          continue;
        }
        if (!g.keys.add(foundKey[0])) {
          continue; // same file under another name
        }
        if (found[0].dynamic().soname() != null) {
          loadedNames.add(found[0].dynamic().soname());
        }
        GraphNode n = new GraphNode(found[0], r.get().inner(), search.display(r.get().inner()), foundKey[0], from.depth() + 1,
            Linkage.DYNAMIC);
        g.nodes.add(n);
        queue.add(new Pending(n, rpaths(p.rpaths(), n)));
      }
    }
    return g;
  }

  /** DT_RPATH is inherited by what an object loads (unless that object has DT_RUNPATH); DT_RUNPATH is not. */
  private static List<String> rpaths(List<String> inherited, GraphNode n) {
    String rpath = n.facts().dynamic().rpath();
    if (rpath == null || n.facts().dynamic().runpath() != null) {
      return inherited;
    }
    List<String> out = new ArrayList<>(LibrarySearch.expand(rpath, RootedFs.dirname(n.inner()), n.facts().is64()));
    out.addAll(inherited);
    return out.size() > 64 ? List.copyOf(out.subList(0, 64)) : List.copyOf(out);
  }

  static boolean isRegular(RootedFs.Resolved r) {
    return Files.isRegularFile(r.host());
  }
}
