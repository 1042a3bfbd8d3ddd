package io.hybridmesh.agent.kubernetes;

import java.util.List;

/**
 * A Service as flows need it: its virtual IPs and ports, and the endpoint addresses and ports behind it
 * (from its EndpointSlices).
 */
public record ServiceInfo(String namespace, String name, List<String> clusterIps, List<Integer> ports,
    List<Endpoint> endpoints) {

  public ServiceInfo {
    clusterIps = List.copyOf(clusterIps);
    ports = List.copyOf(ports);
    endpoints = List.copyOf(endpoints);
  }

  /** One ready endpoint address with the port it serves on. */
  public record Endpoint(String ip, int port) {}
}
