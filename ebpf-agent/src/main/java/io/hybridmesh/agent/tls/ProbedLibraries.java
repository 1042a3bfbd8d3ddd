package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.binary.TlsLibraryKind;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Which TLS library the probes of each process are on, for the {@code tls.library} of its flows: the probe
 * programs are the same for every library with OpenSSL's API (OpenSSL, BoringSSL inside netty-tcnative), so
 * the kernel's record cannot tell them apart and the label comes from what the prober found in the files
 * that carry the process's probes. A process whose probed files are of more than one such library gets
 * {@link TlsLibrary#TLS_LIBRARY_UNKNOWN} (a call cannot be told to one of them), and so does a process never
 * probed. Go's crypto/tls is flagged on each call and needs no entry here.
 *
 * <p>Entries outlive their process (its last calls are read after it exits), bounded: the processes probed
 * least recently go first past {@link #MAX_PROCESSES}. A reused pid gets its new label when the new process
 * is probed. Thread-safe: written by the process watch, read by the event thread per flow.
 */
public final class ProbedLibraries implements IntFunction<TlsLibrary> {

  static final int MAX_PROCESSES = 8192;

  private final Map<Integer, TlsLibrary> byPid = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, TlsLibrary> eldest) {
      return size() > MAX_PROCESSES;
    }
  };

  /** The process carries probes on files of these kinds now (Go's among them or not). */
  public synchronized void probed(int pid, Collection<TlsLibraryKind> kinds) {
    TlsLibrary label = label(kinds);
    if (label != null) {
      byPid.remove(pid); // re-inserted last: the most recently probed go last
      byPid.put(pid, label);
    }
  }

  /** The library the process's TLS-library probes are on; unknown when never probed or ambiguous. */
  @Override
  public synchronized TlsLibrary apply(int pid) {
    return byPid.getOrDefault(pid, TlsLibrary.TLS_LIBRARY_UNKNOWN);
  }

  synchronized int size() {
    return byPid.size();
  }

  /** The one library of these kinds that the uprobe programs read (Go's left out); null when none. */
  static TlsLibrary label(Collection<TlsLibraryKind> kinds) {
    TlsLibrary one = null;
    for (TlsLibraryKind k : kinds) {
      if (k == TlsLibraryKind.GO_CRYPTO_TLS) {
        continue;
      }
      TlsLibrary l = of(k);
      if (one != null && one != l) {
        return TlsLibrary.TLS_LIBRARY_UNKNOWN;
      }
      one = l;
    }
    return one;
  }

  static TlsLibrary of(TlsLibraryKind kind) {
    return switch (kind) {
      case OPENSSL -> TlsLibrary.OPENSSL;
      case BORINGSSL -> TlsLibrary.BORINGSSL;
      case GNUTLS -> TlsLibrary.GNUTLS;
      case NSS -> TlsLibrary.NSS;
      case GO_CRYPTO_TLS -> TlsLibrary.GO_CRYPTO_TLS;
      case JSSE -> TlsLibrary.JSSE;
      case RUSTLS -> TlsLibrary.RUSTLS;
      case NONE, UNKNOWN -> TlsLibrary.TLS_LIBRARY_UNKNOWN;
    };
  }
}
