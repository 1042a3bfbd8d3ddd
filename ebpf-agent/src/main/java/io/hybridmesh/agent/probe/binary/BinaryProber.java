package io.hybridmesh.agent.probe.binary;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.hybridmesh.agent.probe.elf.ElfException;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.api.kernel.KernelRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Classifies the TLS linkage of a file or a running process, in pure Java. Files are read through a
 * {@link RootedFs}, so {@code /proc/<pid>/root} works for containers. Facts per file and results per
 * executable are cached by (device, inode, size, mtime); a cached result is reused only while every file of
 * its dependency graph still has the same key. Thread-safe.
 */
public final class BinaryProber {

  private record FactsKey(FileKey file, boolean executable) {}

  private record ResultKey(String root, String inner, FileKey key) {}

  private record Dep(Path host, FileKey key) {}

  private record Cached(ProbeResult result, List<Dep> deps) {}

  /** A file that could not be analysed, remembered so that a hostile file costs one parse. */
  private record Failure(ElfException.Kind kind, String message) {}

  private final Path proc;
  private final KernelRelease kernel;
  private final Cache<FactsKey, Object> facts;
  private final Cache<ResultKey, Cached> results;
  private final Cache<String, List<String>> ldDirs;

  public BinaryProber() {
    this(Path.of("/proc"), 8192);
  }

  /** Chooses probe sites for the kernel this JVM runs on (where the probes will be placed). */
  public BinaryProber(Path proc, int maxFiles) {
    this(proc, maxFiles, runningKernel());
  }

  /**
   * @param proc the proc filesystem (tests may point elsewhere)
   * @param maxFiles cache size in files
   * @param kernel the kernel whose uprobe handling decides the probe sites and their cost
   */
  public BinaryProber(Path proc, int maxFiles, KernelRelease kernel) {
    this.kernel = kernel;
    this.proc = proc;
    this.facts = Caffeine.newBuilder().maximumSize(maxFiles).build();
    this.results = Caffeine.newBuilder().maximumSize(Math.max(16, maxFiles / 4)).build();
    this.ldDirs = Caffeine.newBuilder().maximumSize(256).expireAfterWrite(Duration.ofSeconds(60)).build();
  }

  /** Probes a file on this host. */
  public ProbeResult probeFile(Path path) {
    return probeFile(Path.of("/"), path.toAbsolutePath().normalize().toString());
  }

  /** Probes {@code pathInRoot} as seen inside {@code root} (its libraries are looked up there too). */
  public ProbeResult probeFile(Path root, String pathInRoot) {
    try {
      return file(new RootedFs(root), pathInRoot);
    } catch (RuntimeException e) {
      return ProbeResult.failed(pathInRoot, ReasonCode.UNREADABLE, "internal error while probing: " + e);
    }
  }

  /** Probes a running process: its executable, DT_NEEDED graph and the libraries in its maps. */
  public ProbeResult probeProcess(int pid) {
    try {
      return process(pid);
    } catch (RuntimeException e) {
      return ProbeResult.failed("pid " + pid, ReasonCode.UNREADABLE, "internal error while probing: " + e);
    }
  }

  /** On Linux the JVM's os.version is the kernel release (uname -r). */
  static KernelRelease runningKernel() {
    return KernelRelease.parse(System.getProperty("os.version")).orElse(KernelRelease.of(0, 0));
  }

  /** The kernel the probe sites are chosen for. */
  public KernelRelease kernel() {
    return kernel;
  }

  public void invalidateAll() {
    facts.invalidateAll();
    results.invalidateAll();
    ldDirs.invalidateAll();
  }

  private ProbeResult file(RootedFs fs, String inner) {
    Optional<RootedFs.Resolved> r = fs.resolve(inner);
    if (r.isEmpty() || !Files.isRegularFile(r.get().host())) {
      return ProbeResult.failed(inner, ReasonCode.UNREADABLE, inner + " does not exist, is not a regular file, "
          + "or its symlinks loop or leave " + fs.root());
    }
    FileKey key = FileKey.of(r.get().host());
    if (key == null) {
      return ProbeResult.failed(inner, ReasonCode.UNREADABLE, inner + " cannot be stat'ed");
    }
    ResultKey rk = new ResultKey(fs.root().toString(), r.get().inner(), key);
    Cached c = results.getIfPresent(rk);
    if (c != null && c.deps().stream().allMatch(d -> d.key().equals(FileKey.of(d.host())))) {
      return withPath(c.result(), inner);
    }
    Object f = facts(r.get().host(), key, true, false);
    if (f instanceof Failure fail) {
      return failed(inner, fail);
    }
    GraphNode exe = new GraphNode((FileFacts) f, r.get().inner(), fs.display(r.get().inner()), key, 0,
        Linkage.STATIC);
    DependencyGraph g = walk(fs, exe);
    ProbeResult result = ResultBuilder.build(inner, g.nodes, g.missing);
    List<Dep> deps = new ArrayList<>();
    for (GraphNode n : g.nodes) {
      deps.add(new Dep(hostOf(fs, n.inner()), n.key()));
    }
    results.put(rk, new Cached(result, List.copyOf(deps)));
    return result;
  }

  private ProbeResult process(int pid) {
    Path dir = proc.resolve(Integer.toString(pid));
    String label = "pid " + pid;
    Path exeLink = dir.resolve("exe");
    String exeInner;
    try {
      exeInner = Files.readSymbolicLink(exeLink).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return ProbeResult.failed(label, ReasonCode.UNREADABLE, "process " + pid + " does not exist or its "
          + "executable cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (exeInner.endsWith(" (deleted)")) {
      exeInner = exeInner.substring(0, exeInner.length() - 10);
    }
    Path rootLink = dir.resolve("root");
    FileKey hostRoot = FileKey.of(Path.of("/"));
    FileKey procRoot = FileKey.of(rootLink);
    RootedFs fs = procRoot != null && hostRoot != null && procRoot.dev() == hostRoot.dev()
        && procRoot.ino() == hostRoot.ino() ? RootedFs.host() : new RootedFs(rootLink);
    FileKey key = FileKey.of(exeLink);
    if (key == null) {
      return ProbeResult.failed(label, ReasonCode.UNREADABLE, "the executable of process " + pid
          + " cannot be stat'ed");
    }
    Object f = facts(exeLink, key, true, true);
    String display = fs.resolve(exeInner).filter(x -> key.equals(FileKey.of(x.host())))
        .map(x -> fs.display(x.inner())).orElse(exeLink.toString());
    if (f instanceof Failure fail) {
      return failed(display, fail);
    }
    GraphNode exe = new GraphNode((FileFacts) f, exeInner, display, key, 0, Linkage.STATIC);
    DependencyGraph g = walk(fs, exe);
    List<ProcessMaps.Mapping> maps;
    try {
      maps = ProcessMaps.read(dir.resolve("maps"));
    } catch (IOException e) {
      maps = List.of();
    }
    int dlopenDepth = g.nodes.stream().mapToInt(GraphNode::depth).max().orElse(0) + 1;
    for (ProcessMaps.Mapping m : maps) {
      Optional<RootedFs.Resolved> r = m.deleted() ? Optional.empty() : fs.resolve(m.path());
      Path host = r.map(RootedFs.Resolved::host).orElse(dir.resolve("map_files").resolve(m.range()));
      String shown = r.map(x -> fs.display(x.inner())).orElse(host.toString());
      FileKey k = FileKey.of(host);
      if (k == null || !g.keys.add(k)) {
        continue;
      }
      Object lf = facts(host, k, false, r.isEmpty());
      if (lf instanceof FileFacts ff) {
        g.nodes.add(new GraphNode(ff, m.path(), shown, k, dlopenDepth, Linkage.DLOPEN));
      }
    }
    return ResultBuilder.build(display, g.nodes, g.missing);
  }

  private DependencyGraph walk(RootedFs fs, GraphNode exe) {
    List<String> dirs = ldDirs.get(fs.root() + (exe.facts().is64() ? ":64" : ":32"),
        k -> LibrarySearch.systemDirs(fs, exe.facts().is64()));
    LibrarySearch search = new LibrarySearch(fs, dirs);
    return DependencyGraph.walk(exe, search, (res, k) -> {
      Object o = facts(res.host(), k, false, false);
      return o instanceof FileFacts ff ? ff : null;
    });
  }

  /** @param kernelLink host is /proc/<pid>/exe or a map_files entry, which must be followed */
  private Object facts(Path host, FileKey key, boolean executable, boolean kernelLink) {
    return facts.get(new FactsKey(key, executable), k -> {
      try (ElfFile elf = ElfFile.open(host, kernelLink)) {
        return FileAnalyzer.analyze(elf, executable, kernel);
      } catch (ElfException e) {
        return new Failure(e.kind(), e.getMessage());
      } catch (RuntimeException e) {
        return new Failure(ElfException.Kind.MALFORMED, host + ": cannot be analysed: " + e);
      }
    });
  }

  private static Path hostOf(RootedFs fs, String inner) {
    return inner.equals("/") ? fs.root() : fs.root().resolve(inner.substring(1));
  }

  private static ProbeResult failed(String path, Failure f) {
    ReasonCode code = f.kind() == ElfException.Kind.NOT_ELF ? ReasonCode.NOT_ELF : ReasonCode.UNREADABLE;
    return ProbeResult.failed(path, code, f.message());
  }

  private static ProbeResult withPath(ProbeResult r, String path) {
    if (path.equals(r.path())) {
      return r;
    }
    return new ProbeResult(path, r.library(), r.libraryVersion(), r.linkage(), r.libraries(), r.uprobeTargets(),
        r.goVersion(), r.goBoringCrypto(), r.stripped(), r.buildId(), r.reasons(), r.error());
  }
}
