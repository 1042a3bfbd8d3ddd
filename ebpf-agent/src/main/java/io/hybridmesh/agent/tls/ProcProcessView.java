package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.TlsLibrary;
import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.proc.ProcFs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** {@link ProcessView} over {@code /proc}, with the binary prober choosing each library's sites. */
public final class ProcProcessView implements ProcessView {

  private static final Logger LOG = Logger.getLogger(ProcProcessView.class.getName());
  private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu",
      "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64");
  private static final List<String> SYSTEM_LIBSSL = List.of("libssl.so.3", "libssl.so.1.1");

  /** As the prober reads at most: a process with more maps than this is judged by their first part. */
  private static final int MAX_MAPS_BYTES = 16 << 20;

  private final Path proc;
  private final BinaryProber prober;

  public ProcProcessView(Path proc, BinaryProber prober) {
    this.proc = proc;
    this.prober = prober;
  }

  @Override
  public List<Integer> pids() {
    List<Integer> out = new ArrayList<>();
    try {
      for (Path d : ProcFs.processDirs(proc, Integer.MAX_VALUE)) {
        out.add(Integer.parseInt(d.getFileName().toString()));
      }
    } catch (IOException | NumberFormatException e) {
      LOG.warning("cannot list processes in " + proc + ": " + e.getMessage());
    }
    return out;
  }

  @Override
  public long netns(int pid) {
    return ProcFs.netnsInode(dir(pid));
  }

  @Override
  public long startTime(int pid) {
    long[] stat = ProcFs.stat(ProcFs.read(dir(pid).resolve("stat")));
    return stat == null ? -1 : stat[1];
  }

  @Override
  public String root(int pid) {
    return ProcFs.identity(dir(pid).resolve("root"));
  }

  @Override
  public List<TlsFile> tlsFiles(int pid) {
    ProbeResult linkage = prober.probeProcess(pid);
    List<TlsFile> out = new ArrayList<>();
    for (TlsLibrary lib : linkage.libraries()) {
      if (goProbeable(lib)) {
        String identity = ProcFs.identity(path(pid, lib.file()));
        if (identity != null) {
          out.add(new TlsFile(identity, lib.file(), GoSites.of(lib.go()), lib.go().offsets()));
        }
      } else if (probeable(lib)) {
        String identity = ProcFs.identity(path(pid, lib.file()));
        if (identity != null) {
          out.add(new TlsFile(identity, lib.file(), TlsSites.of(lib.uprobeTargets()), lib.kind()));
        }
      }
    }
    return out;
  }

  @Override
  public long mapsFingerprint(int pid) {
    try (InputStream in = Files.newInputStream(dir(pid).resolve("maps"))) {
      byte[] maps = in.readNBytes(MAX_MAPS_BYTES);
      return MapsFingerprint.of(maps, maps.length);
    } catch (IOException | SecurityException e) {
      return MapsFingerprint.UNKNOWN;
    }
  }

  @Override
  public List<TlsFile> systemTlsFiles() {
    List<TlsFile> out = new ArrayList<>();
    for (String d : SYSTEM_DIRS) {
      for (String lib : SYSTEM_LIBSSL) {
        Path p = Path.of(d, lib);
        String identity = Files.isRegularFile(p) ? ProcFs.identity(p) : null;
        if (identity == null || out.stream().anyMatch(f -> f.identity().equals(identity))) {
          continue;
        }
        ProbeResult r = prober.probeFile(p);
        r.libraries().stream().filter(l -> probeable(l) && l.file().equals(p.toString())).findFirst()
            .ifPresent(l -> out.add(new TlsFile(identity, p.toString(), TlsSites.of(l.uprobeTargets()), l.kind())));
      }
    }
    return out;
  }

  @Override
  public Path open(int pid, TlsFile file) {
    Path p = path(pid, file.inner());
    return file.identity().equals(ProcFs.identity(p)) ? p : null;
  }

  /**
   * Where this agent reaches a file of the process: through its root, except a library deleted after it was
   * mapped (netty-tcnative's), which the prober names by the host's {@code /proc/PID/map_files} entry: that
   * path is the host's, and inside a container's root its /proc would be another pid namespace's.
   */
  private Path path(int pid, String file) {
    Path own = dir(pid).resolve("map_files");
    Path p = Path.of(file);
    return p.startsWith(own) ? p : dir(pid).resolve("root").resolve(file.substring(1));
  }

  private Path dir(int pid) {
    return proc.resolve(Integer.toString(pid));
  }

  /** Go's crypto/tls whose functions, sites and struct offsets all resolved (GoTlsAnalyzer). */
  static boolean goProbeable(TlsLibrary lib) {
    return lib.kind() == TlsLibraryKind.GO_CRYPTO_TLS && lib.go() != null && lib.go().probeable()
        && lib.file() != null && lib.file().startsWith("/");
  }

  /** OpenSSL's API (BoringSSL's too) with SSL_write and SSL_read, or both _ex forms, resolving in the file. */
  static boolean probeable(TlsLibrary lib) {
    if ((lib.kind() != TlsLibraryKind.OPENSSL && lib.kind() != TlsLibraryKind.BORINGSSL)
        || lib.file() == null || !lib.file().startsWith("/")) {
      return false;
    }
    return lib.opensslProbesResolve();
  }
}
