package io.hybridmesh.xds.testing;

import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.ServiceEndpoint;
import io.hybridmesh.xds.model.ServicePort;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.List;

/** A small shop: a frontend on the sidecar path talking to an HTTP, a gRPC, a TCP and a headless Service. */
public final class MeshFixtures {

  private MeshFixtures() {}

  public static SidecarWorkload frontend() {
    return new SidecarWorkload("shop", "frontend", List.of("10.1.0.7", "10.1.0.8"),
        List.of(new InboundPort(8080, Protocol.HTTP), new InboundPort(9000, Protocol.TCP),
            new InboundPort(9090, Protocol.GRPC)),
        List.of(catalog(), payments(), redis(), ledger()));
  }

  public static MeshService catalog() {
    return new MeshService("shop", "catalog", List.of("10.96.0.20"),
        List.of(new ServicePort("http", 80, Protocol.HTTP, List.of(
            new ServiceEndpoint("10.1.1.5", 8080, true), new ServiceEndpoint("10.1.1.4", 8080, true),
            new ServiceEndpoint("10.1.1.6", 8080, false)))));
  }

  public static MeshService payments() {
    return new MeshService("billing", "payments", List.of("10.96.0.30"),
        List.of(new ServicePort("grpc", 50051, Protocol.GRPC, List.of(new ServiceEndpoint("10.1.2.9", 50051, true))),
            new ServicePort("http", 80, Protocol.HTTP2, List.of(new ServiceEndpoint("10.1.2.9", 8081, true)))));
  }

  public static MeshService redis() {
    return new MeshService("shop", "redis", List.of("10.96.0.40"),
        List.of(new ServicePort("", 6379, Protocol.TCP, List.of(new ServiceEndpoint("10.1.3.2", 6379, true)))));
  }

  /** Headless: the application dials endpoint IPs directly. */
  public static MeshService ledger() {
    return new MeshService("billing", "ledger", List.of(),
        List.of(new ServicePort("pg", 5432, Protocol.TCP, List.of(
            new ServiceEndpoint("10.1.4.1", 5432, true), new ServiceEndpoint("10.1.4.2", 5432, true)))));
  }
}
