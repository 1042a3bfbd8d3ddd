package io.hybridmesh.agent.probe.binary;

import java.util.List;

/**
 * One TLS stack found in a binary or process: which, in which file, how linked, how far from the executable
 * in the dependency graph (0 = the executable itself), its version when the file says it, and its targets.
 */
public record TlsLibrary(TlsLibraryKind kind, String file, Linkage linkage, int depth, String version,
    List<UprobeTarget> uprobeTargets) {}
