package io.hybridmesh.agent.probe.binary;

import java.util.List;

/**
 * The TLS linkage of one binary or process. Field names are the JSON names of {@code hmesh probe}.
 * {@code error} is non-null only when the input could not be analysed at all; then {@code library} is
 * UNKNOWN and the lists are empty.
 */
public record ProbeResult(
    String path,
    TlsLibraryKind library,
    String libraryVersion,
    Linkage linkage,
    List<TlsLibrary> libraries,
    List<UprobeTarget> uprobeTargets,
    String goVersion,
    boolean goBoringCrypto,
    boolean stripped,
    String buildId,
    List<Reason> reasons,
    String error) {

  public ProbeResult {
    libraries = List.copyOf(libraries);
    uprobeTargets = List.copyOf(uprobeTargets);
    reasons = List.copyOf(reasons);
  }

  /** A result for an input that could not be analysed. */
  public static ProbeResult failed(String path, ReasonCode code, String message) {
    return new ProbeResult(path, TlsLibraryKind.UNKNOWN, null, Linkage.NONE, List.of(), List.of(), null, false,
        false, null, List.of(Reason.of(code, message)), message);
  }

  public boolean ok() {
    return error == null;
  }
}
