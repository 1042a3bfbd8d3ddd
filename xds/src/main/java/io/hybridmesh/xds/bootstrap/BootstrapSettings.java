package io.hybridmesh.xds.bootstrap;

import io.hybridmesh.xds.server.XdsServer;
import java.time.Duration;
import java.util.Objects;

/**
 * What every injected sidecar's bootstrap shares.
 *
 * @param controlPlaneHost the controller's xDS Service (a DNS name, or an IP)
 * @param controlPlanePort its port, where xDS and the access-log receiver both listen
 * @param adminPort Envoy's admin port, bound to 127.0.0.1 only: it can change config and must not be reachable
 *     from other pods
 * @param connectTimeout connect timeout towards the control plane
 */
public record BootstrapSettings(String controlPlaneHost, int controlPlanePort, int adminPort, Duration connectTimeout) {

  public static BootstrapSettings of(String controlPlaneHost) {
    return new BootstrapSettings(controlPlaneHost, XdsServer.DEFAULT_PORT, 15000, Duration.ofSeconds(5));
  }

  public BootstrapSettings {
    Objects.requireNonNull(controlPlaneHost, "controlPlaneHost");
    if (controlPlaneHost.isBlank()) {
      throw new IllegalArgumentException("control plane host must not be blank");
    }
    for (int port : new int[] {controlPlanePort, adminPort}) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
    }
  }
}
