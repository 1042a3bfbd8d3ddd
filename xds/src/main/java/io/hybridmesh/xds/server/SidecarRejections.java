package io.hybridmesh.xds.server;

/**
 * Where rejections go (the controller's status writer, later). Called on gRPC threads: implementations
 * must be quick and must not throw.
 */
public interface SidecarRejections {

  SidecarRejections IGNORE = rejection -> { };

  /** A sidecar NACKed the version it was last sent of one resource type. Once per NACK. */
  void rejected(SidecarRejection rejection);

  /** The sidecar accepted a later version of a type it had rejected: its status can be cleared. */
  default void recovered(String nodeId, SidecarGroup group, String typeUrl, String version) { }
}
