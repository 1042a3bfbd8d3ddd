package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.datapath.TlsDatapath;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.TlsLibrary;
import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Finds the TLS libraries of processes in the watched network namespaces and attaches the probes to
 * each file that holds OpenSSL's functions, once: a shared libssl, a library loaded later with dlopen, or
 * an executable with OpenSSL linked in statically (Node.js). A probe on a file fires in every process
 * that maps it, so processes started later are seen as soon as their file is probed. The system's own
 * libssl is probed at start so that short-lived clients (curl) are seen from their first call.
 */
public final class TlsLibraryWatch {

  private static final Logger LOG = Logger.getLogger(TlsLibraryWatch.class.getName());
  private static final List<String> SYSTEM_DIRS = List.of("/usr/lib/x86_64-linux-gnu",
      "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib64");
  private static final List<String> SYSTEM_LIBSSL = List.of("libssl.so.3", "libssl.so.1.1");

  private final TlsDatapath datapath;
  private final BinaryProber prober;
  private final Path proc;
  private final Set<Long> watchedNetns = ConcurrentHashMap.newKeySet();
  /** Files already probed, by device and inode, so that two paths to one file probe it once. */
  private final Set<String> probedFiles = new HashSet<>();
  private final AtomicLong attachFailures = new AtomicLong();

  public TlsLibraryWatch(TlsDatapath datapath, BinaryProber prober, Path proc) {
    this.datapath = datapath;
    this.prober = prober;
    this.proc = proc;
  }

  /** TLS library files found but left unprobed because none of the uprobes could be attached. */
  public long attachFailures() {
    return attachFailures.get();
  }

  public void watch(long netnsInode, int endpointId) {
    watchedNetns.add(netnsInode);
    datapath.watchNetns(netnsInode, endpointId);
  }

  public void unwatch(long netnsInode) {
    watchedNetns.remove(netnsInode);
    datapath.unwatchNetns(netnsInode);
  }

  /** Probes the system's libssl files; a host without OpenSSL simply has none. */
  public synchronized void probeSystemLibraries() {
    for (String dir : SYSTEM_DIRS) {
      for (String lib : SYSTEM_LIBSSL) {
        Path p = Path.of(dir, lib);
        if (Files.isRegularFile(p)) {
          probe(p, p.toString());
        }
      }
    }
  }

  /** One pass over /proc: every process in a watched namespace, every libssl it maps. */
  public synchronized void scan() {
    if (watchedNetns.isEmpty()) {
      return;
    }
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> isPid(p.getFileName()))) {
      for (Path pidDir : pids) {
        scanProcess(pidDir);
      }
    } catch (IOException e) {
      LOG.warning("cannot list processes in " + proc + ": " + e.getMessage());
    }
  }

  private void scanProcess(Path pidDir) {
    try {
      Object netns = Files.getAttribute(pidDir.resolve("ns/net"), "unix:ino");
      if (!(netns instanceof Long inode) || !watchedNetns.contains(inode)) {
        return;
      }
      ProbeResult linkage = prober.probeProcess(Integer.parseInt(pidDir.getFileName().toString()));
      for (TlsLibrary lib : linkage.libraries()) {
        if (probeable(lib)) {
          // Through the process's root, so that a library inside a container resolves to its file.
          probe(pidDir.resolve("root").resolve(lib.file().substring(1)), lib.file());
        }
      }
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      // The process ended between listing and reading, or hides its details: nothing to probe.
    }
  }

  private void probe(Path file, String shownAs) {
    String identity;
    try {
      identity = Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    } catch (IOException | UnsupportedOperationException e) {
      return;
    }
    if (!probedFiles.add(identity)) {
      return;
    }
    List<String> functions = datapath.attachOpenSsl(file);
    if (functions.isEmpty()) {
      attachFailures.incrementAndGet();
      LOG.warning(shownAs + " exports none of SSL_write, SSL_read, SSL_write_ex, SSL_read_ex; "
          + "TLS through it cannot be read");
    } else {
      LOG.info(() -> "reading TLS through " + shownAs + " (" + String.join(", ", functions) + ")");
    }
  }

  /** OpenSSL's API (BoringSSL's too) with SSL_write and SSL_read resolving in the file. */
  private static boolean probeable(TlsLibrary lib) {
    if ((lib.kind() != TlsLibraryKind.OPENSSL && lib.kind() != TlsLibraryKind.BORINGSSL)
        || lib.file() == null || !lib.file().startsWith("/")) {
      return false;
    }
    long resolved = lib.uprobeTargets().stream().filter(UprobeTarget::isResolved)
        .filter(t -> t.symbol().equals("SSL_write") || t.symbol().equals("SSL_read")).count();
    return resolved == 2;
  }

  private static boolean isPid(Path name) {
    String s = name.toString();
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return !s.isEmpty();
  }
}
