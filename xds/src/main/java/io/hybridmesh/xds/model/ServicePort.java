package io.hybridmesh.xds.model;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A Service port as the workload reaches it (the Service's port, not the target port) with the endpoints
 * the EndpointSlices list for it. {@code name} may be empty for a Service's single unnamed port.
 */
public record ServicePort(String name, int port, Protocol protocol, List<ServiceEndpoint> endpoints) {

  public ServicePort {
    name = name == null ? "" : name;
    Ports.require(port, "service port");
    Objects.requireNonNull(protocol, "protocol");
    // Sorted so that the same EndpointSlices always give the same bytes, hence the same snapshot version.
    endpoints = endpoints.stream()
        .sorted(Comparator.comparing(ServiceEndpoint::ip).thenComparingInt(ServiceEndpoint::port))
        .distinct()
        .toList();
  }
}
