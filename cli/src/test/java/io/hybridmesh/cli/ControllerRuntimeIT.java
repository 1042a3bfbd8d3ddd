package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The controller's servers against the mock API server: a sidecar workload's configuration comes from the
 * cluster's objects over xDS, and what its Envoy logs is in the relay's flows, named after its pod.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerRuntimeIT {

  KubernetesMockServer server;
  KubernetesClient client;
  private final ControllerRuntime runtime = new ControllerRuntime();
  private String xds;
  private String relay;

  @BeforeEach
  void cluster() throws Exception {
    for (String crd : List.of("workloadcapabilities", "nodecapabilities")) {
      client.apiextensions().v1().customResourceDefinitions().load(
          Files.newInputStream(Path.of("../crds/" + crd + ".hybridmesh.io-v1.yml"))).create();
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("cart-5f6d7-x1")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("cart-5f6d7")
        .withUid("rs-1").withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName("node-a").addNewContainer().withName("app").withImage("cart:1")
        .addNewPort().withContainerPort(8080).withName("http").endPort().endContainer().endSpec()
        .withNewStatus().addNewPodIP("10.1.0.7").endStatus().build()).create();
    client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("cart")
        .endMetadata().withNewSpec().withClusterIPs("10.96.0.7").addNewPort().withName("http").withPort(80)
        .withProtocol("TCP").endPort().endSpec().build()).create();
    client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("cart-x").withLabels(Map.of("kubernetes.io/service-name", "cart")).endMetadata()
        .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort()
        .addNewEndpoint().withAddresses("10.1.0.7").withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace("shop");
    w.getMetadata().setName("deployment-cart");
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference("apps/v1", "Deployment", "cart"));
    w.setSpec(spec);
    w = client.resources(WorkloadCapability.class).inNamespace("shop").resource(w).create();
    WorkloadCapabilityStatus status = new WorkloadCapabilityStatus();
    status.setDataPath("SIDECAR");
    w.setStatus(status);
    client.resources(WorkloadCapability.class).inNamespace("shop").resource(w).updateStatus();

    int xdsPort;
    int relayPort;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
      xdsPort = a.getLocalPort();
      relayPort = b.getLocalPort();
    }
    xds = "127.0.0.1:" + xdsPort;
    relay = "127.0.0.1:" + relayPort;
    runtime.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", xdsPort),
        new InetSocketAddress("127.0.0.1", relayPort), null, "hybrid-mesh", "hybrid-mesh-agent", 4245, 1024,
        SidecarConfig.defaults()));
  }

  @AfterEach
  void stop() {
    runtime.close();
  }

  @Test
  void sidecarConfigurationFromTheClusterAndItsAccessLogsInTheRelay() throws Exception {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));

    SidecarClient.sendInboundTcpLog(xds, "cart-5f6d7-x1.shop", "10.1.9.9", 40000, "10.1.0.7", 8080);
    ManagedChannel ch = ManagedChannelBuilder.forTarget(relay).usePlaintext().build();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> !flows(ch).isEmpty());
      Flow f = flows(ch).get(0);
      assertEquals(DataPath.SIDECAR, f.getDataPath());
      assertEquals("cart-5f6d7-x1", f.getDestination().getPodName());
      assertEquals("shop", f.getDestination().getNamespace());
      assertEquals("10.1.9.9", f.getIp().getSource());
      assertEquals("node-a", f.getNodeName());
      assertTrue(ObserverGrpc.newBlockingStub(ch).listWorkloads(
          io.hybridmesh.api.observer.v1.ListWorkloadsRequest.getDefaultInstance()).getWorkloadsList().stream()
          .anyMatch(r -> r.getName().equals("cart")), "the relay's reports are the cluster's");
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void sidecarFlowsCarryIpv4AddressesAndNoQueryCredentials() throws Exception {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));

    // Envoy listening on [::] reports an IPv4 client as IPv4-mapped; the request carries a session.
    SidecarClient.sendInboundHttpLog(xds, "cart-5f6d7-x1.shop", "::ffff:10.1.9.8", 40001, "::ffff:10.1.0.7",
        8080, "/cart?item=7&session=s3cr3t&access%5Ftoken=abc");
    ManagedChannel ch = ManagedChannelBuilder.forTarget(relay).usePlaintext().build();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> flows(ch).stream().anyMatch(Flow::hasL7));
      Flow f = flows(ch).stream().filter(Flow::hasL7).findFirst().orElseThrow();
      assertEquals("10.1.9.8", f.getIp().getSource());
      assertEquals("10.1.0.7", f.getIp().getDestination());
      assertEquals("/cart?item=7&session=HMESH_REDACTED&access%5Ftoken=HMESH_REDACTED",
          f.getL7().getHttp().getPath());
      assertEquals("cart-5f6d7-x1", f.getDestination().getPodName());
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGrpcServiceGetsHttp2AndItsCallsAnswerHmeshObservesGrpcFilters() throws Exception {
    client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("pricing")
        .endMetadata().withNewSpec().withClusterIPs("10.96.0.8").addNewPort().withName("api").withPort(9090)
        .withAppProtocol("grpc").withProtocol("TCP").endPort().endSpec().build()).create();
    client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("pricing-x").withLabels(Map.of("kubernetes.io/service-name", "pricing"))
        .endMetadata().withAddressType("IPv4").addNewPort().withName("api").withPort(9090).endPort()
        .addNewEndpoint().withAddresses("10.1.0.9").withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
    String pricing = "outbound|9090||pricing.shop.svc.cluster.local";
    Cluster cluster = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> SidecarClient.clusters(xds, "cart-5f6d7-x1.shop", "cart").stream()
            .filter(c -> c.getName().equals(pricing)).findFirst().orElse(null), c -> c != null);
    assertTrue(cluster.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
        .unpack(HttpProtocolOptions.class).getExplicitHttpConfig().hasHttp2ProtocolOptions(),
        "appProtocol grpc: the sidecar speaks h2c to the Service");

    SidecarClient.sendOutboundGrpcLog(xds, "cart-5f6d7-x1.shop", "10.1.0.7", "10.96.0.8", "10.1.0.9", 9090, pricing,
        "/shop.v1.Pricing/Quote", 5);
    SidecarClient.sendOutboundGrpcLog(xds, "cart-5f6d7-x1.shop", "10.1.0.7", "10.96.0.8", "10.1.0.9", 9090, pricing,
        "/shop.v1.Pricing/Quote", 0);
    ManagedChannel ch = ManagedChannelBuilder.forTarget(relay).usePlaintext().build();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> flows(ch).stream().filter(Flow::hasL7).count() == 2);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // What a user types: the same flag parsing and the relay's flow filters as for eBPF flows.
    String notFound = observe("--server", relay, "--grpc-service", "shop.v1.Pricing", "--grpc-status", "not_found");
    assertEquals(1, notFound.lines().count(), notFound);
    assertTrue(notFound.contains("HTTP/2 gRPC 5 NOT_FOUND") && notFound.contains("shop.v1.Pricing/Quote"), notFound);
    assertEquals(1, observe("--server", relay, "--grpc-service", "shop.v1.Pricing/Quote", "--grpc-status", "0")
        .lines().count());
    assertEquals(2, observe("--server", relay, "--grpc-service", "shop.v1.Pricing").lines().count());
    assertEquals(0, observe("--server", relay, "--grpc-service", "shop.v1.Catalog").lines().count());
    String json = observe("--server", relay, "--grpc-status", "5", "--data-path", "sidecar", "-o", "json");
    assertTrue(json.contains("\"grpc\":{\"service\":\"shop.v1.Pricing\",\"method\":\"Quote\",\"statusCode\":5"), json);
  }

  /** Runs {@code hmesh observe} and returns what it printed; fails on a non-zero exit. */
  private static String observe(String... args) {
    ObserveCommand cmd = new ObserveCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    cmd.zone = ZoneOffset.UTC;
    int code = new CommandLine(cmd).execute(args);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<Flow> flows(ManagedChannel ch) {
    List<Flow> out = new ArrayList<>();
    ObserverGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getFlows(GetFlowsRequest.newBuilder().setNumber(10).build())
        .forEachRemaining((GetFlowsResponse r) -> {
          if (r.hasFlow()) {
            out.add(r.getFlow());
          }
        });
    return out;
  }
}
