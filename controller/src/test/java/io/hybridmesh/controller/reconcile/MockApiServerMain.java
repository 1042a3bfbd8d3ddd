package io.hybridmesh.controller.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The mock API server as its own process, for running {@code ./hmesh controller --kubeconfig FILE} against
 * it by hand (no real API server can run here). Writes a kubeconfig, seeds one opted-in namespace with a JSSE
 * Deployment on an old-kernel node, then prints its WorkloadCapability whenever it changes.
 *
 * <p>Usage: {@code MockApiServerMain PORT KUBECONFIG [SECONDS]}; it exits after SECONDS (default 120).
 */
public final class MockApiServerMain {

  private MockApiServerMain() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path kubeconfig = Path.of(args[1]);
    long seconds = args.length > 2 ? Long.parseLong(args[2]) : 120;
    MockCluster cluster = new MockCluster(InetAddress.getLoopbackAddress(), port);
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n"
        + "    server: http://127.0.0.1:" + port + "\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n"
        + "    user: mock\n    namespace: hybrid-mesh\ncurrent-context: mock\nusers:\n- name: mock\n  user:\n"
        + "    token: mock\n");
    KubernetesClient client = cluster.client;
    cluster.namespace("hybrid-mesh", false);
    cluster.namespace("shop", true);
    cluster.node("old-node", "4.19.0-26-amd64");
    cluster.pod("shop", "checkout", "old-node", Probes.jsse());
    cluster.deployment("shop", "checkout", Map.of());
    System.out.println("mock API server on 127.0.0.1:" + port + ", kubeconfig " + kubeconfig);
    String last = "";
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < end) {
      WorkloadCapability w = client.resources(WorkloadCapability.class).inNamespace("shop")
          .withName("deployment-checkout").get();
      String now = w == null ? "no report yet" : Serialization.asYaml(w.getStatus())
          + "initContainers: " + client.apps().deployments().inNamespace("shop").withName("checkout").get()
          .getSpec().getTemplate().getSpec().getInitContainers().stream().map(c -> c.getName()).toList();
      if (!now.equals(last)) {
        System.out.println(now);
        System.out.flush();
        last = now;
      }
      Thread.sleep(500);
    }
    cluster.close();
  }
}
