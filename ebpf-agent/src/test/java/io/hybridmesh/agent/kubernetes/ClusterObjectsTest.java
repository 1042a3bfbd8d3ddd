package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterObjectsTest {

  private static final String ID = "a".repeat(64);
  private static final PodOwners.Owner OWNER = new PodOwners.Owner("Deployment", "web");

  @Test
  void runningPodWithIpsAndContainerIds() {
    Pod p = new PodBuilder().withNewMetadata().withNamespace("shop").withName("web-1").withUid("u1")
        .withLabels(Map.of("app", "web")).endMetadata()
        .withNewSpec().withNodeName("n1").withServiceAccountName("sa").addNewContainer().withName("app").endContainer()
        .endSpec()
        .withNewStatus().withPodIP("10.1.0.5").addNewPodIP("10.1.0.5").addNewPodIP("fd00::5")
        .addNewContainerStatus().withName("app").withContainerID("containerd://" + ID).withImage("img").endContainerStatus()
        .endStatus().build();
    PodInfo info = ClusterObjects.pod(p, OWNER).orElseThrow();
    assertEquals(List.of("10.1.0.5", "fd00::5"), info.ips());
    assertEquals(ID, info.containers().get(0).id());
    assertEquals("web", info.ownerName());
    assertEquals("n1", info.nodeName());
  }

  @Test
  void pendingPodWithoutIpsOrStatusesKeepsItsContainerNames() {
    Pod p = new PodBuilder().withNewMetadata().withNamespace("shop").withName("web-2").endMetadata()
        .withNewSpec().addNewContainer().withName("app").endContainer().endSpec().build();
    PodInfo info = ClusterObjects.pod(p, OWNER).orElseThrow();
    assertTrue(info.ips().isEmpty());
    assertEquals("app", info.containers().get(0).name());
    assertNull(info.containers().get(0).id());
  }

  @Test
  void podWithoutNameIsNothing() {
    assertTrue(ClusterObjects.pod(new Pod(), OWNER).isEmpty());
    assertTrue(ClusterObjects.pod(null, OWNER).isEmpty());
  }

  @Test
  void serviceWithReadyEndpointsOnly() {
    var svc = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("web").endMetadata()
        .withNewSpec().withClusterIP("10.96.0.10").withClusterIPs("10.96.0.10").addNewPort().withPort(80).endPort()
        .endSpec().build();
    var slice = new EndpointSliceBuilder().withNewMetadata().withName("web-abc").endMetadata()
        .addNewEndpoint().withAddresses("10.1.0.5").withNewConditions().withReady(true).endConditions().endEndpoint()
        .addNewEndpoint().withAddresses("10.1.0.6").withNewConditions().withReady(false).endConditions().endEndpoint()
        .addNewPort().withPort(8080).endPort().build();
    ServiceInfo s = ClusterObjects.service(svc, List.of(slice)).orElseThrow();
    assertEquals(List.of("10.96.0.10"), s.clusterIps());
    assertEquals(List.of(80), s.ports());
    assertEquals(List.of(new ServiceInfo.Endpoint("10.1.0.5", 8080)), s.endpoints());
  }

  @Test
  void headlessServiceHasNoVirtualIp() {
    var svc = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("db").endMetadata()
        .withNewSpec().withClusterIP("None").endSpec().build();
    assertTrue(ClusterObjects.service(svc, List.of()).orElseThrow().clusterIps().isEmpty());
  }
}
