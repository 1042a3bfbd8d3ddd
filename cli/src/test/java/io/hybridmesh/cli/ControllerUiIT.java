package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import io.hybridmesh.cli.ui.UiServer;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.xds.auth.TokenPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hmesh controller --ui}: the browser UI over the controller's own relay, which in a cluster speaks TLS
 * only. The UI reaches the relay in process; a UI that dialled the relay's port in plaintext would be refused.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerUiIT {

  private static final String NS = "hybrid-mesh";

  KubernetesMockServer server;
  KubernetesClient client;
  private ControllerRuntime runtime;
  private String relay;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void cluster() throws Exception {
    for (String crd : List.of("workloadcapabilities", "nodecapabilities")) {
      client.apiextensions().v1().customResourceDefinitions().load(
          Files.newInputStream(Path.of("../crds/" + crd + ".hybridmesh.io-v1.yml"))).create();
    }
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace("shop");
    w.getMetadata().setName("deployment-cart");
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference("apps/v1", "Deployment", "cart"));
    w.setSpec(spec);
    w = client.resources(WorkloadCapability.class).inNamespace("shop").resource(w).create();
    WorkloadCapabilityStatus status = new WorkloadCapabilityStatus();
    status.setDataPath("EBPF");
    status.setObservedPorts("in/8080=http");
    w.setStatus(status);
    client.resources(WorkloadCapability.class).inNamespace("shop").resource(w).updateStatus();

    int relayPort;
    int xdsPort;
    try (ServerSocket b = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
      relayPort = b.getLocalPort();
      xdsPort = c.getLocalPort();
    }
    relay = "127.0.0.1:" + relayPort;
    runtime = new ControllerRuntime();
    runtime.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", xdsPort),
        new InetSocketAddress("127.0.0.1", relayPort), null, NS, "hybrid-mesh-agent", 4245, 1024,
        SidecarConfig.defaults(), TokenPolicy.IF_PRESENT,
        new ControllerRuntime.Tls(NS, ControllerCommand.serviceNames("hybrid-mesh-controller.hybrid-mesh.svc"),
            Duration.ofHours(1), "system:serviceaccount:" + NS + ":hybrid-mesh-agent", null, null)));
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void theUiReadsTheTlsRelayInProcessWhereAPlaintextDialWouldBeRefused() throws Exception {
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    UiServer inProcess = UiServer.open("127.0.0.1:0", runtime.relayChannel(), "the relay", e);
    UiServer dialled = UiServer.open("127.0.0.1:0", relay, e);
    try {
      HttpResponse<String> ok = get(inProcess, "/api/workloads");
      assertEquals(200, ok.statusCode(), ok.body());
      assertTrue(ok.body().contains("cart"), ok.body());
      HttpResponse<String> report = get(inProcess, "/api/report?id=shop/cart");
      assertEquals(200, report.statusCode(), report.body());
      assertTrue(report.body().contains("plaintext HTTP on 8080 (in)"), report.body());

      HttpResponse<String> refused = get(dialled, "/api/workloads");
      assertTrue(refused.statusCode() >= 500, "plaintext against the TLS relay: " + refused.statusCode() + " "
          + refused.body());
    } finally {
      inProcess.close();
      dialled.close();
    }
  }

  private static HttpResponse<String> get(UiServer ui, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port()
        + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
