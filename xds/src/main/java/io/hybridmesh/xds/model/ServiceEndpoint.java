package io.hybridmesh.xds.model;

/** One address of an EndpointSlice for one port; not-ready endpoints stay listed but get no traffic. */
public record ServiceEndpoint(String ip, int port, boolean ready) {

  public ServiceEndpoint {
    Ports.requireIp(ip, "endpoint ip");
    Ports.require(port, "endpoint port");
  }
}
