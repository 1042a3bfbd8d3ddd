package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.ControllerSettings;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.v1alpha1.NodeCapabilitySpec;
import io.hybridmesh.api.v1alpha1.UprobeHitCost;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode with our CRDs installed, and builders for the objects the tests
 * need. There are no controllers in it: tests create the pods a Deployment would have.
 */
final class MockCluster implements AutoCloseable {

  /** What the ITs run the operator with: no leader election, and retries quick enough for a test. */
  static ControllerSettings operatorSettings() {
    return ControllerSettings.defaults().withoutLeaderElection()
        .withRetry(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1));
  }

  /** The mock server logs every request at INFO; kept in a field so the level sticks. */
  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  /** The server answering now; {@link #restart()} replaces it with one that keeps the same state. */
  KubernetesMockServer server;
  final KubernetesClient client;
  /** The CRUD state and canned answers, kept across {@link #stop()} and {@link #restart()}. */
  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final KubernetesMixedDispatcher dispatcher = new KubernetesMixedDispatcher(responses);
  private java.net.InetAddress address;
  private int port;

  MockCluster() {
    this(null, 0);
  }

  /** @param address null for any free port on localhost */
  MockCluster(java.net.InetAddress address, int port) {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    if (address == null) {
      server.init();
    } else {
      server.init(address, port);
    }
    try {
      this.address = java.net.InetAddress.getByName(server.getHostName());
    } catch (java.net.UnknownHostException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.port = server.getPort();
    client = server.createClient();
    allowLeases(server);
    for (String crd : List.of("workloadcapabilities.hybridmesh.io-v1.yml", "nodecapabilities.hybridmesh.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions()
          .load(MockCluster.class.getResourceAsStream("/META-INF/fabric8/" + crd)).create();
    }
  }

  /**
   * JOSDK asks with a SelfSubjectRulesReview whether it may use Leases before electing a leader; the CRUD mock
   * cannot answer that (a real API server does), so it is told to say yes.
   */
  static void allowLeases(KubernetesMockServer server) {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
  }

  void namespace(String name, boolean optedIn) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(optedIn ? Map.of(HybridMeshNames.ENABLED_LABEL, "true") : Map.of()).endMetadata().build())
        .create();
  }

  void node(String name, String kernel) {
    node(name, kernel, Map.of());
  }

  void node(String name, String kernel, Map<String, String> labels) {
    Map<String, String> all = new HashMap<>(labels);
    all.put("kubernetes.io/hostname", name);
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(all).endMetadata()
        .withNewStatus().withNewNodeInfo().withKernelVersion(kernel).endNodeInfo().endStatus().build()).create();
  }

  void nodeCapability(String node, String kernel, String... features) {
    NodeCapability n = new NodeCapability();
    n.getMetadata().setName(node);
    NodeCapabilitySpec spec = new NodeCapabilitySpec();
    spec.setKernelRelease(kernel);
    spec.setFeatures(Arrays.asList(features));
    spec.setAgentVersion("0.1.0");
    spec.setLastHeartbeat("2026-11-27T00:00:00Z");
    n.setSpec(spec);
    client.resource(n).createOr(x -> x.update());
  }

  /** What the node's agent measured a uprobe pair to cost (an agent start); null values: not measured. */
  void uprobeCost(String node, Long emulatedPairNs, Long singleSteppedPairNs) {
    NodeCapability n = client.resources(NodeCapability.class).withName(node).get();
    UprobeHitCost cost = new UprobeHitCost();
    cost.setEmulatedPairNs(emulatedPairNs);
    cost.setSingleSteppedPairNs(singleSteppedPairNs);
    cost.setMeasuredAt("2026-11-27T00:00:00Z");
    n.getSpec().setUprobeCost(cost);
    client.resource(n).update();
  }

  static String[] allFeatures() {
    return Arrays.stream(KernelFeature.values()).map(Enum::name).toArray(String[]::new);
  }

  Deployment deployment(String ns, String name, Map<String, String> annotations) {
    return deployment(ns, name, annotations, spec -> { });
  }

  /** @param podSpec changes to the pod template's spec (a node affinity, say) before the Deployment is created */
  Deployment deployment(String ns, String name, Map<String, String> annotations,
      java.util.function.Consumer<io.fabric8.kubernetes.api.model.PodSpec> podSpec) {
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withNamespace(ns).withName(name).withAnnotations(annotations).endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
          .withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
            .withNewSpec().addNewContainer().withName("app").withImage("example/" + name + ":1").endContainer()
            .endSpec()
          .endTemplate()
        .endSpec().build();
    podSpec.accept(d.getSpec().getTemplate().getSpec());
    return client.resource(d).create();
  }

  /** A pod of the workload on the node, with the agent's probe annotation (or none when probe is null). */
  Pod pod(String ns, String workload, String node, String probe) {
    return pod(ns, workload, workload + "-0", node, probe);
  }

  Pod pod(String ns, String workload, String name, String node, String probe) {
    Map<String, String> a = probe == null ? Map.of() : Map.of(HybridMeshNames.PROBE_ANNOTATION, probe);
    return client.resource(new PodBuilder().withNewMetadata().withNamespace(ns).withName(name)
        .withLabels(Map.of("app", workload)).withAnnotations(a).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("example/" + workload + ":1")
        .endContainer().endSpec().build()).create();
  }

  WorkloadCapability report(String ns, String workload) {
    return client.resources(WorkloadCapability.class).inNamespace(ns).withName("deployment-" + workload).get();
  }

  /** Waits until the Deployment's report shows this data path (the report exists before its status). */
  WorkloadCapability awaitPath(String ns, String name, String path) {
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
      WorkloadCapability w = report(ns, name);
      return w != null && w.getStatus() != null && path.equals(w.getStatus().getDataPath());
    });
    return report(ns, name);
  }

  Deployment get(String ns, String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  /** The API server goes away: connections are refused until {@link #restart()}. */
  void stop() {
    server.destroy();
  }

  /** The API server comes back on the same address and port, with every object it held. */
  void restart() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init(address, port);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
