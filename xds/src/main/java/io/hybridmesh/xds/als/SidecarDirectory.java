package io.hybridmesh.xds.als;

import java.util.Optional;

/**
 * Node id ({@code <pod>.<namespace>}) to the pod behind it. The controller implements it from its pod
 * informer; tests use a map. Called once per access-log stream (and again while a node is unknown), on
 * gRPC threads: must be fast and must not block.
 */
@FunctionalInterface
public interface SidecarDirectory {

  Optional<SidecarIdentity> lookup(String nodeId);
}
