package io.hybridmesh.agent.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.net.IpAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodDirectoryTest {

  private static final String ID = "a".repeat(64);

  private static PodInfo backend(String ip) {
    return new PodInfo("shop", "backend-7d9f-x2x", "uid-1", "node-a", List.of(ip, "fd00::5"),
        Map.of("app", "backend", "tier", "api"), "Deployment", "backend", "backend-sa",
        List.of(new PodInfo.ContainerInfo("app", ID, "nginx:1.25"), new PodInfo.ContainerInfo("init", null, "x")));
  }

  private static byte[] ip(String s) {
    return IpAddress.parse(s).bytes();
  }

  @Test
  void podsByIpContainerAndEndpointId() throws Exception {
    PodDirectory d = new PodDirectory();
    d.upsertPod(backend("10.1.0.5"));
    Endpoint e = d.byAddress(ip("10.1.0.5"));
    assertEquals("shop", e.getNamespace());
    assertEquals("backend-7d9f-x2x", e.getPodName());
    assertEquals(List.of("k8s:app=backend", "k8s:tier=api", "k8s:io.kubernetes.pod.namespace=shop"),
        e.getLabelsList());
    assertEquals("Deployment", e.getWorkloads(0).getKind());
    assertEquals("backend-sa", e.getServiceAccount());
    assertEquals(e, d.byAddress(ip("fd00::5")));
    assertEquals("backend-7d9f-x2x", d.podByContainerId(ID).orElseThrow().name());

    assertNull(d.local(7));
    d.bindEndpointId(7, "shop", "backend-7d9f-x2x");
    assertEquals(e, d.local(7));
    d.unbindEndpointId(7);
    assertNull(d.local(7));
  }

  @Test
  void aPodThatMovesAddressOrGoesIsForgotten() throws Exception {
    PodDirectory d = new PodDirectory();
    d.upsertPod(backend("10.1.0.5"));
    d.upsertPod(backend("10.1.0.9"));
    assertNull(d.byAddress(ip("10.1.0.5")), "the old address no longer names the pod");
    assertEquals("backend-7d9f-x2x", d.byAddress(ip("10.1.0.9")).getPodName());
    d.removePod("shop", "backend-7d9f-x2x");
    assertNull(d.byAddress(ip("10.1.0.9")));
    assertTrue(d.podByContainerId(ID).isEmpty());
    assertEquals(0, d.podCount());
  }

  @Test
  void servicesByVirtualIpAndByEndpoint() throws Exception {
    PodDirectory d = new PodDirectory();
    d.upsertService(new ServiceInfo("shop", "backend", List.of("10.96.0.10"), List.of(443),
        List.of(new ServiceInfo.Endpoint("10.1.0.5", 8443))));
    assertEquals("backend", d.service(ip("10.96.0.10"), 443).getName());
    assertEquals("shop", d.service(ip("10.1.0.5"), 8443).getNamespace());
    assertNull(d.service(ip("10.96.0.10"), 80), "another port is not the service");
    d.removeService("shop", "backend");
    assertNull(d.service(ip("10.96.0.10"), 443));
  }

  @Test
  void addressesThatAreNotLiteralsAreIgnoredNotResolved() {
    PodDirectory d = new PodDirectory();
    d.upsertPod(new PodInfo("ns", "p", "u", "n", List.of("not-an-ip.example", "", "300.1.1.1"), Map.of(), "", "",
        null, List.of()));
    assertEquals(1, d.podCount());
    assertNull(d.service(new byte[3], 1), "a malformed address finds nothing");
  }
}
