package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.ControllerSettings;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.mesh.SidecarPublisher;
import io.hybridmesh.controller.mesh.SidecarRejectionStore;
import io.hybridmesh.controller.sidecar.PodBootstrap;
import io.hybridmesh.controller.sidecar.SidecarAds;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.controller.status.ControllerReasonCode;
import io.hybridmesh.controller.status.StatusBuilder;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.server.PublishReport;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.server.XdsServer;
import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.translate.SidecarResources;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ReferenceCheck;
import io.hybridmesh.xds.validate.ResourceValidator;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The injected sidecar as a real cluster would run it, end to end against the mock API server: a
 * Deployment gets its sidecar from the controller, a pod is made from the template the API server stored,
 * its Envoy's bootstrap is read out of that pod, and what the controller's xDS server serves that pod must
 * resolve against that bootstrap: every cluster a listener, route or access logger names, every route
 * configuration, every config source. And when what the controller would serve does not, it is refused,
 * with the reason in the workload's report and a Warning Event.
 */
class InjectedSidecarIT {

  private static final SidecarGroup CHECKOUT = new SidecarGroup("shop", "checkout");

  private MockCluster cluster;
  private XdsServer xds;
  private SidecarPublisher publisher;
  private HmeshOperator operator;
  private final SidecarRejectionStore outcomes = new SidecarRejectionStore();

  /** The controller's parts as {@code hmesh controller} wires them, with the xDS server on a free port. */
  private void start(TranslatorSettings translation) throws Exception {
    cluster = new MockCluster();
    cluster.node("node-a", "6.8.0-45-generic");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SidecarConfig d = SidecarConfig.defaults();
    // The sidecars reach the controller here, as in a cluster they reach its Service.
    SidecarConfig sidecar = new SidecarConfig(d.proxyImage(), d.initImage(), d.proxyUid(), "127.0.0.1", port,
        d.outboundPort(), d.inboundPort(), d.adminPort(), d.cpuRequest(), d.memoryRequest(), d.cpuLimit(),
        d.memoryLimit());
    xds = new XdsServer("127.0.0.1", port, translation, new SidecarInjector(sidecar).bootstraps(), outcomes,
        // The sidecar must be the pod it names, as in the controller: looked up in the cluster by its publisher.
        io.hybridmesh.xds.auth.SidecarAuthenticator.byAddress(
            id -> publisher == null ? Optional.empty() : publisher.directory().lookup(id)),
        new io.hybridmesh.xds.als.SidecarFlowSink() {
          @Override
          public void accept(io.hybridmesh.api.flow.v1.Flow flow) { }

          @Override
          public void lost(long entries) { }
        }).start();
    publisher = new SidecarPublisher(cluster.client, xds.snapshots(), outcomes);
    // The shop first: shop() edits the Deployment after creating it, and an operator already running could
    // inject its sidecar in between (the edit then fails with 409, seen on a loaded machine).
    shop();
    operator = HmeshOperator.start(cluster.client, new ControllerSettings(Fallback.SIDECAR, sidecar, null, null,
        false, Duration.ofMillis(100), Duration.ofSeconds(1)), outcomes);
  }

  @AfterEach
  void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (xds != null) {
      xds.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void theBootstrapInTheStoredPodTemplateDefinesEveryClusterTheServedSnapshotNames() throws Exception {
    start(TranslatorSettings.DEFAULTS);
    PodTemplateSpec template = injectedTemplate();
    Pod pod = podFrom(template);
    Bootstrap bootstrap = PodBootstrap.of(pod);
    assertEquals("checkout-5f6d7-x1.shop", bootstrap.getNode().getId());
    assertEquals("checkout", bootstrap.getNode().getCluster());

    SidecarResources served = awaitServed();
    assertTrue(served.listeners().stream().map(Listener::getName).toList()
        .containsAll(List.of(Names.OUTBOUND_LISTENER, Names.INBOUND_LISTENER)), "the snapshot has listeners");
    assertEquals(List.of(), ReferenceCheck.check(bootstrap, served),
        "what the controller serves must resolve against the bootstrap the API server stored");
    assertEquals(List.of(), ResourceValidator.fieldRules(bootstrap));
    assertEquals(SidecarBootstrap.parseJson(PodBootstrap.argument(template)).getStaticResources(),
        bootstrap.getStaticResources(), "expanding the pod's name changes only the node id");
  }

  @Test
  void aSidecarStartedFromItsPodsBootstrapLoadsOnlyResourcesThatResolve() throws Exception {
    start(TranslatorSettings.DEFAULTS);
    Bootstrap bootstrap = PodBootstrap.of(podFrom(injectedTemplate()));
    awaitServed();

    SidecarResources loaded = SidecarAds.load(bootstrap);
    assertTrue(loaded.clusters().stream().map(Cluster::getName).toList().contains(
        "outbound|80||catalog.shop.svc.cluster.local"), "the Service it calls is among its clusters");
    assertTrue(loaded.listeners().stream().map(Listener::getName).toList()
        .containsAll(List.of(Names.OUTBOUND_LISTENER, Names.INBOUND_LISTENER)));
    assertTrue(!loaded.routes().isEmpty() && !loaded.endpoints().isEmpty(), "RDS and EDS were asked too");
    assertEquals(List.of(), ResourceValidator.validate(bootstrap, loaded),
        "every resource this pod's Envoy loads must pass Envoy's rules and resolve against its bootstrap");
  }

  @Test
  void aConfigurationThatFailsTheCheckIsRefusedWithAReasonAndAWarning() throws Exception {
    // A translator that logs to a cluster the injected bootstrap does not define, as the injected bootstrap
    // and the translator disagreed before issue 13.
    TranslatorSettings d = TranslatorSettings.DEFAULTS;
    start(new TranslatorSettings(d.outboundPort(), d.inboundPort(), "hmesh-als-elsewhere", d.tcpLogFlushInterval(),
        d.alsBufferFlushInterval(), d.connectTimeout(), d.clusterDomain()));
    podFrom(injectedTemplate());

    await().atMost(Duration.ofSeconds(30)).until(() -> publisher.publish().invalid().containsKey(CHECKOUT));
    PublishReport report = publisher.publish();
    assertTrue(report.invalid().get(CHECKOUT).stream().allMatch(p -> p.reference().equals("hmesh-als-elsewhere")),
        report.invalid().toString());
    assertEquals(Optional.empty(), xds.snapshots().served(CHECKOUT), "nothing unchecked reaches the sidecars");

    await().atMost(Duration.ofSeconds(30)).until(() -> configured().map(c -> "ConfigRefused".equals(c.getReason()))
        .orElse(false));
    WorkloadCapability w = cluster.report("shop", "checkout");
    String reason = w.getStatus().getReasons().stream()
        .filter(r -> ControllerReasonCode.SIDECAR_CONFIG_REFUSED.name().equals(r.getCode()))
        .map(r -> r.getMessage()).findFirst().orElseThrow();
    assertTrue(reason.contains("'hmesh-als-elsewhere'") && reason.contains("kubectl rollout restart"), reason);
    assertEquals("SIDECAR", w.getStatus().getDataPath(), "the decision stands; only its configuration waits");
    await().until(() -> events().stream().anyMatch(e -> "SidecarConfigRefused".equals(e.getReason())
        && "Warning".equals(e.getType()) && e.getMessage().contains("hmesh-als-elsewhere")));
    // Publishing the same refusal again, then a reconcile that has certainly run after it: no new Warning.
    publisher.publish();
    long reconciles = operator.reconciles();
    // A merge patch carries no resourceVersion, so it cannot conflict with the controller's own writes.
    cluster.client.apps().deployments().inNamespace("shop").withName("checkout").patch(
        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"touched\":\"1\"}}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> operator.reconciles() > reconciles);
    assertEquals(1, events().stream().filter(e -> "SidecarConfigRefused".equals(e.getReason())).count(),
        "one Warning per refusal, not one per publication or reconcile");
  }

  private Optional<Condition> configured() {
    WorkloadCapability w = cluster.report("shop", "checkout");
    if (w == null || w.getStatus() == null || w.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return w.getStatus().getConditions().stream()
        .filter(c -> StatusBuilder.SIDECAR_CONFIGURED.equals(c.getType())).findFirst();
  }

  /** The checkout Deployment (sidecar by annotation), the Services it serves and calls, and their endpoints. */
  private void shop() {
    cluster.namespace("shop", true);
    service("checkout", "10.96.0.10", "http", 80, "10.1.0.7", 8080);
    service("catalog", "10.96.0.20", "http", 80, "10.1.1.5", 8080);
    service("redis", "10.96.0.30", "tcp", 6379, "10.1.2.5", 6379);
    // Created with its port: an edit after creation would race the controller's own write of the template.
    cluster.deployment("shop", "checkout", Map.of(HybridMeshNames.MODE_ANNOTATION, "sidecar"),
        spec -> spec.getContainers().get(0).setPorts(List.of(
            new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withName("http").withContainerPort(8080)
                .build())));
  }

  private void service(String name, String ip, String portName, int port, String endpoint, int targetPort) {
    cluster.client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName(name)
        .endMetadata().withNewSpec().withClusterIPs(ip).addNewPort().withName(portName).withPort(port)
        .withProtocol("TCP").endPort().endSpec().build()).create();
    cluster.client.discovery().v1().endpointSlices().inNamespace("shop").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName(name + "-x").withLabels(Map.of("kubernetes.io/service-name", name)).endMetadata()
        .withAddressType("IPv4").addNewPort().withName(portName).withPort(targetPort).endPort()
        .addNewEndpoint().withAddresses(endpoint).withNewConditions().withReady(true).endConditions().endEndpoint()
        .build()).create();
  }

  /** The pod template once the controller has injected the sidecar, exactly as the API server stores it. */
  private PodTemplateSpec injectedTemplate() {
    await().atMost(Duration.ofSeconds(30)).until(() -> WorkloadControllerIT.initContainers(
        cluster.get("shop", "checkout")).contains(SidecarInjector.PROXY));
    return cluster.get("shop", "checkout").getSpec().getTemplate();
  }

  /** A pod of that template, as the ReplicaSet controller and the scheduler would make it. */
  private Pod podFrom(PodTemplateSpec template) {
    return cluster.client.resource(new PodBuilder().withNewMetadata().withNamespace("shop")
        .withName("checkout-5f6d7-x1").withLabels(template.getMetadata().getLabels())
        .withAnnotations(template.getMetadata().getAnnotations())
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("checkout-5f6d7")
        .withUid("rs-1").withController(true).endOwnerReference().endMetadata()
        .withSpec(new io.fabric8.kubernetes.api.model.PodSpecBuilder(template.getSpec()).withNodeName("node-a")
            .build())
        // The stand-in sidecar runs on this host: its streams come from 127.0.0.1, the pod's second address.
        .withNewStatus().addNewPodIP("10.1.0.7").addNewPodIP("127.0.0.1").endStatus().build()).create();
  }

  /** What the controller serves the checkout sidecars, once its publisher has seen the pod. */
  private SidecarResources awaitServed() {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      PublishReport report = publisher.publish();
      assertEquals(Map.of(), report.invalid(), "the controller refused the checkout configuration");
      return xds.snapshots().served(CHECKOUT).filter(r -> r.listeners().get(1).getFilterChainsCount() > 0)
          .isPresent();
    });
    return xds.snapshots().served(CHECKOUT).orElseThrow();
  }

  private List<Event> events() {
    return cluster.client.v1().events().inNamespace("shop").list().getItems();
  }
}
