package io.hybridmesh.xds.model;

/** What a port speaks, as declared (Service appProtocol / port name) or probed. Decides HCM vs TCP proxy. */
public enum Protocol {
  HTTP,
  HTTP2,
  GRPC,
  TCP;

  /** True where Envoy can run its HTTP connection manager and so log requests, not only connections. */
  public boolean speaksHttp() {
    return this != TCP;
  }

  /** True where the upstream must be spoken to in HTTP/2 (h2c), whatever the downstream used. */
  public boolean needsHttp2Upstream() {
    return this == HTTP2 || this == GRPC;
  }
}
