package io.hybridmesh.xds.testing;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.xds.bootstrap.BootstrapSettings;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.server.SidecarBootstraps;
import io.hybridmesh.xds.server.SidecarGroup;

/** The bootstrap a test's sidecars start from: the real builder, pointing at a local control plane. */
public final class Bootstraps {

  /** Every group's sidecars start from {@link #of(SidecarGroup)}. */
  public static final SidecarBootstraps LOCAL = Bootstraps::of;

  private Bootstraps() {}

  public static Bootstrap of(SidecarGroup group) {
    return SidecarBootstrap.build(BootstrapSettings.oneServer("127.0.0.1", 18000), group.workload() + "-0",
        group.namespace(), group.workload());
  }

  /** The frontend of {@link MeshFixtures}. */
  public static Bootstrap frontend() {
    return of(new SidecarGroup("shop", "frontend"));
  }
}
