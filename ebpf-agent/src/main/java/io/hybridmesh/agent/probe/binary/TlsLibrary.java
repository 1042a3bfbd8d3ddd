package io.hybridmesh.agent.probe.binary;

import java.util.List;

/**
 * One TLS stack found in a binary or process: which, in which file, how linked, how far from the executable
 * in the dependency graph (0 = the executable itself), its version when the file says it, and its targets.
 */
public record TlsLibrary(TlsLibraryKind kind, String file, Linkage linkage, int depth, String version,
    List<UprobeTarget> uprobeTargets) {

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
