package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.agent.probe.go.GoStructOffsets;
import java.nio.file.Path;
import java.util.List;

/** What the TLS probes need to know about the node's processes; {@code /proc} for real, a fake in tests. */
public interface ProcessView {

  /** The pids of the processes running now. */
  List<Integer> pids();

  /** The inode of the process's network namespace, or -1 when it is gone or cannot be read. */
  long netns(int pid);

  /**
   * When the process started (clock ticks since boot), to tell a reused pid from the process that had it;
   * -1 when it is gone.
   */
  long startTime(int pid);

  /** The identity of the process's root directory (its container's file system), or null when gone. */
  String root(int pid);

  /** The TLS library files the process uses now (in its maps or its DT_NEEDED graph), with their sites. */
  List<TlsFile> tlsFiles(int pid);

  /**
   * A number that changes whenever the process maps another file with code (a library loaded with dlopen):
   * cheap next to {@link #tlsFiles}, so that a rescan looks for new TLS libraries only where one may be.
   * {@link MapsFingerprint#UNKNOWN} when it cannot be told.
   */
  long mapsFingerprint(int pid);

  /** The node's own TLS libraries (the system libssl), probed before any process uses them. */
  List<TlsFile> systemTlsFiles();

  /** How this process can open a file of its root, or null when the file is not the one meant any more. */
  Path open(int pid, TlsFile file);

  /**
   * A file with TLS functions to probe.
   *
   * @param identity device and inode: two paths to one file are one file
   * @param inner the path inside the process's root
   * @param goOffsets for a Go binary, how its *tls.Conn reach their socket; null for TLS libraries
   * @param kind which library the prober found in it (the label of the flows read through it)
   */
  record TlsFile(String identity, String inner, List<TlsSite> sites, GoStructOffsets goOffsets,
      TlsLibraryKind kind) {

    public TlsFile {
      sites = List.copyOf(sites);
    }

    /** A TLS library file of this kind. */
    public TlsFile(String identity, String inner, List<TlsSite> sites, TlsLibraryKind kind) {
      this(identity, inner, sites, null, kind);
    }

    /** A Go binary's crypto/tls. */
    public TlsFile(String identity, String inner, List<TlsSite> sites, GoStructOffsets goOffsets) {
      this(identity, inner, sites, goOffsets, TlsLibraryKind.GO_CRYPTO_TLS);
    }
  }
}
