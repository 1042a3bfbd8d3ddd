package io.hybridmesh.controller.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.hybridmesh.xds.model.MeshService;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.SidecarWorkload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshModelTest {

  static Service service(String ns, String name, String clusterIp, int port, String portName, String appProtocol) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withClusterIPs(clusterIp).addNewPort().withName(portName).withPort(port)
        .withAppProtocol(appProtocol).withProtocol("TCP").endPort().endSpec().build();
  }

  static EndpointSlice slice(String ns, String service, String portName, int port, String... ips) {
    EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(service + "-x")
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .addNewPort().withName(portName).withPort(port).endPort();
    for (String ip : ips) {
      b.addNewEndpoint().withAddresses(ip).withNewConditions().withReady(true).endConditions().endEndpoint();
    }
    return b.build();
  }

  static Pod pod(String ns, String name, String ownerKind, String ownerName, String ip, int port, String portName) {
    return new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .addNewOwnerReference().withKind(ownerKind).withName(ownerName).withController(true).endOwnerReference()
        .endMetadata()
        .withNewSpec().addNewContainer().withName("app").addNewPort().withContainerPort(port).withName(portName)
        .endPort().endContainer().endSpec()
        .withNewStatus().addNewPodIP(ip).endStatus().build();
  }

  @Test
  void servicesWithTheirProtocolsAndReadyEndpoints() {
    MeshModel.Result r = MeshModel.services(
        List.of(service("shop", "cart", "10.96.0.7", 80, "http", null),
            service("shop", "db", "10.96.0.9", 5432, "pg", null),
            service("shop", "headless", "None", 80, "grpc-api", null)),
        List.of(slice("shop", "cart", "http", 8080, "10.1.0.7", "10.1.0.8")));
    assertEquals(3, r.services().size(), r.skipped().toString());
    MeshService cart = r.services().get(0);
    assertEquals(Protocol.HTTP, cart.ports().get(0).protocol());
    assertEquals(List.of("10.1.0.7", "10.1.0.8"), cart.ports().get(0).endpoints().stream().map(e -> e.ip()).toList());
    assertEquals(Protocol.TCP, r.services().get(1).ports().get(0).protocol());
    assertEquals(List.of(), r.services().get(2).clusterIps(), "a headless Service has no virtual IP");
  }

  @Test
  void aGrpcServiceGivesItsServicePortAndTheWorkloadsInboundPortGrpc() {
    // appProtocol wins over the port name; the pod's port is matched to the Service by its endpoint port.
    List<MeshService> services = MeshModel.services(
        List.of(service("shop", "pricing", "10.96.0.8", 50051, "web", "grpc"),
            service("shop", "stream", "10.96.0.9", 8081, "http2-events", null)),
        List.of(slice("shop", "pricing", "web", 9090, "10.1.0.9"), slice("shop", "stream", "http2-events", 8081,
            "10.1.0.9"))).services();
    assertEquals(Protocol.GRPC, services.get(0).ports().get(0).protocol());
    assertEquals(Protocol.HTTP2, services.get(1).ports().get(0).protocol());
    SidecarWorkload w = MeshModel.workload("shop", "pricing",
        List.of(pod("shop", "pricing-5f6d7-x1", "ReplicaSet", "pricing-5f6d7", "10.1.0.9", 9090, "api")), services)
        .orElseThrow();
    assertEquals(Protocol.GRPC, w.inboundPorts().get(0).protocol(), "declared by the Service, not the pod's port name");
  }

  @Test
  void aWorkloadsPodsAndInboundPortsWithTheProtocolItsServiceDeclares() {
    List<MeshService> services = MeshModel.services(List.of(service("shop", "cart", "10.96.0.7", 80, "web", "http")),
        List.of(slice("shop", "cart", "web", 8080, "10.1.0.7"))).services();
    SidecarWorkload w = MeshModel.workload("shop", "cart",
        List.of(pod("shop", "cart-5f6d7-x1", "ReplicaSet", "cart-5f6d7", "10.1.0.7", 8080, "web")), services)
        .orElseThrow();
    assertEquals(List.of("10.1.0.7"), w.podIps());
    assertEquals(Protocol.HTTP, w.inboundPorts().get(0).protocol());
    assertEquals(8080, w.inboundPorts().get(0).port());
  }

  @Test
  void ownersAndGarbage() {
    assertEquals(List.of("Deployment", "cart"), List.of(MeshModel.owner(
        pod("shop", "p", "ReplicaSet", "cart-5f6d7", "10.1.0.7", 1, "x")).orElseThrow()));
    assertEquals(List.of("StatefulSet", "db"), List.of(MeshModel.owner(
        pod("shop", "p", "StatefulSet", "db", "10.1.0.7", 1, "x")).orElseThrow()));
    assertTrue(MeshModel.owner(pod("shop", "p", "Job", "batch", "10.1.0.7", 1, "x")).isEmpty());
    MeshModel.Result bad = MeshModel.services(List.of(service("shop", "weird", "not-an-ip", 80, "http", null)),
        List.of());
    assertTrue(bad.services().isEmpty());
    assertEquals(1, bad.skipped().size(), "a Service that cannot be modelled is named, not thrown");
  }
}
