package io.hybridmesh.xds.model;

import java.util.Objects;

/** A port the workload's containers listen on, reached through the sidecar's inbound listener. */
public record InboundPort(int port, Protocol protocol) {

  public InboundPort {
    Ports.require(port, "inbound port");
    Objects.requireNonNull(protocol, "protocol");
  }
}
