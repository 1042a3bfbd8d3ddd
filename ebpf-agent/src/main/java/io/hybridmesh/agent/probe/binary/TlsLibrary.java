package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.go.GoTls;
import java.util.List;

/**
 * One TLS stack found in a binary or process: which, in which file, how linked, how far from the executable
 * in the dependency graph (0 = the executable itself), its version when the file says it, and its targets.
 *
 * @param go for Go's crypto/tls: the functions, their entry and return sites and the struct offsets the
 *     probes need, or why it cannot be probed; null for every other stack
 */
public record TlsLibrary(TlsLibraryKind kind, String file, Linkage linkage, int depth, String version,
    List<UprobeTarget> uprobeTargets, GoTls go) {

  public TlsLibrary(TlsLibraryKind kind, String file, Linkage linkage, int depth, String version,
      List<UprobeTarget> uprobeTargets) {
    this(kind, file, linkage, depth, version, uprobeTargets, null);
  }

  /**
   * For OpenSSL's API (BoringSSL's too): whether a write and a read function resolve, the plain pair or the
   * _ex pair, which is what reading its TLS needs.
   */
  public boolean opensslProbesResolve() {
    return (resolved("SSL_write") && resolved("SSL_read")) || (resolved("SSL_write_ex") && resolved("SSL_read_ex"));
  }

  private boolean resolved(String symbol) {
    return uprobeTargets.stream().anyMatch(t -> t.symbol().equals(symbol) && t.isResolved());
  }
}
