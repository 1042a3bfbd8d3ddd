package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.Refusal;
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
import io.hybridmesh.xds.auth.TokenPolicy;
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

  /** Where the cart pod's sidecar calls from, and another pod's address on the same host. */
  private static final String CART_SIDECAR = "127.0.0.7";
  private static final String PAYMENTS_POD = "127.0.0.8";

  KubernetesMockServer server;
  KubernetesClient client;
  private final ControllerRuntime runtime = new ControllerRuntime();
  private String xds;
  private String relay;
  private String metrics;

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
        .withNewSpec().withNodeName("node-a").withServiceAccountName("cart").addNewContainer().withName("app")
        .withImage("cart:1").addNewPort().withContainerPort(8080).withName("http").endPort().endContainer().endSpec()
        // Its sidecar's streams come from this host: the loopback address 127.0.0.7 stands for the pod's own.
        .withNewStatus().addNewPodIP("10.1.0.7").addNewPodIP(CART_SIDECAR).endStatus().build()).create();
    // Another workload's pod on the same host, which will try to speak for the cart's sidecar.
    client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("payments-0")
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet").withName("payments")
        .withUid("ss-1").withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName("node-a").withServiceAccountName("payments").addNewContainer().withName("app")
        .withImage("payments:1").endContainer().endSpec()
        .withNewStatus().addNewPodIP(PAYMENTS_POD).endStatus().build()).create();
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
    int metricsPort;
    try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0);
        ServerSocket c = new ServerSocket(0)) {
      xdsPort = a.getLocalPort();
      relayPort = b.getLocalPort();
      metricsPort = c.getLocalPort();
    }
    xds = "127.0.0.1:" + xdsPort;
    relay = "127.0.0.1:" + relayPort;
    metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
    runtime.start(client, new ControllerRuntime.Settings(new InetSocketAddress("127.0.0.1", xdsPort),
        new InetSocketAddress("127.0.0.1", relayPort), new InetSocketAddress("127.0.0.1", metricsPort), "hybrid-mesh", "hybrid-mesh-agent", 4245, 1024,
        SidecarConfig.defaults(), TokenPolicy.IF_PRESENT, null));
    SidecarClient.sourceIp = CART_SIDECAR;
    SidecarClient.bearer = null;
  }

  @AfterEach
  void stop() {
    SidecarClient.sourceIp = null;
    SidecarClient.bearer = null;
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

  @Test
  void aForgedAccessLogStreamMakesNoFlowAndOneCountedRejection() throws Exception {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));
    long refusedBefore = runtime.sidecarAuth().refused(AuthCounters.Plane.ACCESS_LOG);

    // The payments pod writes flows in the cart pod's name: refused, with the reason.
    SidecarClient.sourceIp = PAYMENTS_POD;
    Status forged = refusal(() ->
        SidecarClient.sendInboundTcpLog(xds, "cart-5f6d7-x1.shop", "10.6.6.6", 40000, "10.1.0.7", 8080));
    assertEquals(Status.Code.PERMISSION_DENIED, forged.getCode());
    assertTrue(forged.getDescription().contains("comes from " + PAYMENTS_POD
        + ", which is not that pod's address"), forged.getDescription());

    // The cart's own sidecar still gets through: only its flow is in the relay.
    SidecarClient.sourceIp = CART_SIDECAR;
    SidecarClient.sendInboundTcpLog(xds, "cart-5f6d7-x1.shop", "10.1.9.9", 40000, "10.1.0.7", 8080);
    ManagedChannel ch = ManagedChannelBuilder.forTarget(relay).usePlaintext().build();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> !flows(ch).isEmpty());
      assertEquals(List.of("10.1.9.9"), flows(ch).stream().map(f -> f.getIp().getSource()).toList());
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertEquals(refusedBefore + 1, runtime.sidecarAuth().refused(AuthCounters.Plane.ACCESS_LOG));
    assertEquals(1, runtime.sidecarAuth().refused(AuthCounters.Plane.ACCESS_LOG, Refusal.ADDRESS_MISMATCH));
    assertTrue(scrape().contains("\nhmesh_access_log_streams_refused_total " + (refusedBefore + 1) + "\n"),
        scrape());
  }

  @Test
  void anXdsRequestForAnotherWorkloadsPodGetsNothing() throws Exception {
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));

    // Another pod asks for the cart pod's configuration.
    SidecarClient.sourceIp = PAYMENTS_POD;
    Status otherPod = refusal(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart"));
    assertEquals(Status.Code.PERMISSION_DENIED, otherPod.getCode());
    // The cart's own pod names another workload as its node cluster, to get that workload's configuration.
    SidecarClient.sourceIp = CART_SIDECAR;
    Status otherWorkload = refusal(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "payments"));
    assertEquals(Status.Code.PERMISSION_DENIED, otherWorkload.getCode());
    assertTrue(otherWorkload.getDescription().contains("belongs to workload cart, not 'payments'"),
        otherWorkload.getDescription());
    assertEquals(1, runtime.sidecarAuth().refused(AuthCounters.Plane.XDS, Refusal.ADDRESS_MISMATCH));
    assertEquals(1, runtime.sidecarAuth().refused(AuthCounters.Plane.XDS, Refusal.WRONG_WORKLOAD));
    assertTrue(scrape().contains("\nhmesh_xds_streams_refused_total 2\n"), scrape());
  }

  /** The controller's Prometheus metrics, as a scrape reads them. */
  private String scrape() throws Exception {
    try (var in = java.net.URI.create(metrics).toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aPresentedTokenIsReviewedByTheApiServerAndMustBeThePodsAccount() throws Exception {
    // The API server's TokenReview, as a real one answers for projected tokens with audience hybrid-mesh.
    server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, request -> {
      TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      String token = asked.getSpec().getToken();
      TokenReviewStatus status = new TokenReviewStatus();
      if (token.startsWith("sa:") && asked.getSpec().getAudiences().equals(List.of("hybrid-mesh"))) {
        status.setAuthenticated(true);
        status.setAudiences(List.of("hybrid-mesh"));
        status.setUser(new UserInfo(Map.of("authentication.kubernetes.io/pod-name", List.of(token.split(":")[2])),
            List.of("system:serviceaccounts"), null, "system:serviceaccount:shop:" + token.split(":")[1]));
      } else {
        status.setAuthenticated(false);
        status.setError("invalid bearer token");
      }
      asked.setStatus(status);
      return asked;
    }).always();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));

    SidecarClient.bearer = "sa:payments:payments-0";
    Status wrongAccount = refusal(() ->
        SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart"));
    assertEquals(Status.Code.PERMISSION_DENIED, wrongAccount.getCode());
    SidecarClient.bearer = "forged";
    assertEquals(Status.Code.UNAUTHENTICATED, refusal(() ->
        SidecarClient.sendInboundTcpLog(xds, "cart-5f6d7-x1.shop", "10.1.9.9", 40000, "10.1.0.7", 8080)).getCode());
    SidecarClient.bearer = "sa:cart:cart-5f6d7-x1";
    assertTrue(SidecarClient.listenerNames(xds, "cart-5f6d7-x1.shop", "cart").contains("virtualInbound"));
    assertEquals(1, runtime.sidecarAuth().refused(AuthCounters.Plane.XDS, Refusal.TOKEN_WRONG_ACCOUNT));
    assertEquals(1, runtime.sidecarAuth().refused(AuthCounters.Plane.ACCESS_LOG, Refusal.TOKEN_INVALID));
  }

  /** The status a stand-in sidecar's call failed with; fails when it did not. */
  private static Status refusal(org.junit.jupiter.api.function.Executable call) {
    Throwable t = assertThrows(Throwable.class, call);
    while (t.getCause() != null && !(t instanceof StatusRuntimeException)) {
      t = t.getCause();
    }
    return Status.fromThrowable(t);
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
