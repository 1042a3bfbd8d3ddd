package io.hybridmesh.xds.server;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;

/**
 * The bootstrap a group's sidecars start from, so that a snapshot is checked against the static clusters
 * its Envoys really have before it is published (the controller: what its injector puts into the workload's
 * pod template; the demo: what it writes for each workload). Pure and quick: called on every publication.
 */
@FunctionalInterface
public interface SidecarBootstraps {

  Bootstrap of(SidecarGroup group);
}
