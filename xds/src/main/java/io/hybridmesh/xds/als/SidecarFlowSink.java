package io.hybridmesh.xds.als;

import io.hybridmesh.api.flow.v1.Flow;

/**
 * Where sidecar flows go (the controller's flow ring, later the relay). Called on gRPC threads; must not
 * block: Envoy treats access logs as lossy, and a sink that cannot keep up drops and counts rather than
 * stalling every sidecar's log stream.
 */
public interface SidecarFlowSink {

  void accept(Flow flow);

  /** Entries the receiver could not turn into flows (unknown sidecar, malformed, over a limit). */
  void lost(long entries);
}
