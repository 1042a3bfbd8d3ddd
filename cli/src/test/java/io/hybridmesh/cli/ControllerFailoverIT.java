package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two {@code hmesh controller} processes against the mock API server, one Lease: the leader reconciles, the
 * other waits; {@code kill -9} of the leader (it cannot release the Lease) hands over once the Lease expires,
 * and the new leader reconciles what comes next.
 */
class ControllerFailoverIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));

  private final List<Process> processes = new ArrayList<>();
  private KubernetesMockServer server;
  private KubernetesClient client;
  private Path work;

  @BeforeEach
  void cluster() throws IOException {
    work = Files.createTempDirectory("hm-failover");
    Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> canned =
        new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), canned,
        new KubernetesMixedDispatcher(canned), false);
    server.init(java.net.InetAddress.getLoopbackAddress(), 0);
    // JOSDK asks whether it may use Leases before it runs for leader; the CRUD mock cannot answer that.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
    client = server.createClient();
    for (String crd : List.of("workloadcapabilities", "nodecapabilities")) {
      client.apiextensions().v1().customResourceDefinitions().load(
          Files.newInputStream(Path.of("../crds/" + crd + ".hybridmesh.io-v1.yml"))).create();
    }
    for (String ns : List.of("hybrid-mesh", "shop")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
          .withLabels(ns.equals("shop") ? Map.of(HybridMeshNames.ENABLED_LABEL, "true") : Map.of()).endMetadata()
          .build()).create();
    }
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
        .withNewNodeInfo().withKernelVersion("4.19.0-26-amd64").endNodeInfo().endStatus().build()).create();
    Files.writeString(work.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
        + "  cluster:\n    server: http://127.0.0.1:" + server.getPort() + "\ncontexts:\n- name: mock\n  context:\n"
        + "    cluster: mock\n    user: mock\n    namespace: hybrid-mesh\ncurrent-context: mock\nusers:\n"
        + "- name: mock\n  user:\n    token: mock\n");
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    client.close();
    server.destroy();
  }

  @Test
  void killingTheLeaderHandsOverToTheOther() throws Exception {
    Process a = controller("ctl-a");
    await().atMost(Duration.ofSeconds(60)).until(() -> "ctl-a".equals(holder()));
    controller("ctl-b");
    workload("first");
    WorkloadCapability first = awaitReport("first");
    assertEquals("ctl-a", holder(), "the first controller leads and reconciles; the second waits");

    a.destroyForcibly(); // kill -9: the Lease is not released, it has to expire
    assertTrue(a.waitFor(20, TimeUnit.SECONDS));
    long killed = System.nanoTime();
    await().atMost(Duration.ofSeconds(60)).until(() -> "ctl-b".equals(holder()));
    long handoverMs = (System.nanoTime() - killed) / 1_000_000;
    workload("second");
    assertNotNull(awaitReport("second"), "the new leader reconciles");
    assertEquals(first.getStatus().getDataPath(), awaitReport("first").getStatus().getDataPath());
    System.out.println("lease handed over " + handoverMs + " ms after the leader was killed");
    assertTrue(Files.readString(work.resolve("ctl-b.log")).contains("ctl-b"), "ctl-b logged its identity");
  }

  private String holder() {
    Lease lease = client.leases().inNamespace("hybrid-mesh").withName("hmesh-controller").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private void workload(String name) {
    client.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name + "-0")
        .withLabels(Map.of("app", name)).endMetadata().withNewSpec().withNodeName("n1").addNewContainer()
        .withName("app").withImage("example/" + name + ":1").endContainer().endSpec().build()).create();
    client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata()
        .withName(name).endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", name))
        .endSelector().withNewTemplate().withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("example/" + name + ":1").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
  }

  private WorkloadCapability awaitReport(String name) {
    return await().atMost(Duration.ofSeconds(60)).until(() -> client.resources(WorkloadCapability.class)
        .inNamespace("shop").withName("deployment-" + name).get(), w -> w != null && w.getStatus() != null
        && w.getStatus().getDataPath() != null);
  }

  private Process controller(String identity) throws IOException {
    int xds;
    int relay;
    try (ServerSocket s1 = new ServerSocket(0); ServerSocket s2 = new ServerSocket(0)) {
      xds = s1.getLocalPort();
      relay = s2.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR.toString(), "controller", "--kubeconfig",
        work.resolve("kubeconfig").toString(), "--lease-namespace", "hybrid-mesh",
        "--xds", "127.0.0.1:" + xds, "--relay", "127.0.0.1:" + relay)
        .redirectErrorStream(true).redirectOutput(work.resolve(identity + ".log").toFile());
    pb.environment().put("HOSTNAME", identity); // the identity JOSDK runs for leader with, as a pod's name
    Process p = pb.start();
    processes.add(p);
    return p;
  }
}
