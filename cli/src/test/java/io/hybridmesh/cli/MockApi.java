package io.hybridmesh.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode with our CRDs (as the build generates them into crds/), and builders
 * for the objects the agent reads. No kubelet and no controller: tests write pods and reports themselves.
 */
public final class MockApi implements AutoCloseable {

  private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    QUIET.setLevel(java.util.logging.Level.WARNING);
  }

  public final KubernetesMockServer server;
  public final KubernetesClient client;

  public MockApi() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
    server.init();
    client = server.createClient();
    for (String crd : List.of("workloadcapabilities.hybridmesh.io-v1.yml", "nodecapabilities.hybridmesh.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions()
          .load(MockApi.class.getResourceAsStream("/META-INF/fabric8/" + crd)).create();
    }
  }

  /** A kubeconfig pointing at this server, for the agent run as a process. */
  public Path kubeconfig(Path dir) throws java.io.IOException {
    Path f = dir.resolve("kubeconfig.yaml");
    Files.writeString(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: "
        + client.getMasterUrl() + "\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n    user: mock\n"
        + "current-context: mock\nusers:\n- name: mock\n  user:\n    token: mock\n");
    return f;
  }

  /** A running pod of a Deployment's ReplicaSet on {@code node}, its one container "app" with this id. */
  public Pod pod(String ns, String name, String uid, String node, String containerId, String ip,
      Map<String, String> annotations) {
    return client.resource(new PodBuilder().withNewMetadata().withNamespace(ns).withName(name).withUid(uid)
        .withLabels(Map.of("app", "web", "pod-template-hash", "5f9c7d")).withAnnotations(annotations)
        .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-5f9c7d")
        .withUid("rs-uid").withController(true).endOwnerReference().endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("example/web:1").endContainer()
        .endSpec()
        .withNewStatus().withPodIP(ip).addNewPodIP(ip).addNewContainerStatus().withName("app")
        .withContainerID("containerd://" + containerId).withImage("example/web:1").endContainerStatus().endStatus()
        .build()).create();
  }

  /** The controller's report for a Deployment, with this data path. */
  public void report(String ns, String deployment, String dataPath) {
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace(ns);
    w.getMetadata().setName("deployment-" + deployment);
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference("apps/v1", "Deployment", deployment));
    w.setSpec(spec);
    WorkloadCapabilityStatus status = new WorkloadCapabilityStatus();
    status.setDataPath(dataPath);
    client.resource(w).createOr(x -> x.update());
    // The status is a subresource: written on its own, as the controller writes it.
    client.resources(WorkloadCapability.class).inNamespace(ns).withName(w.getMetadata().getName())
        .editStatus(x -> {
          x.setStatus(status);
          return x;
        });
  }

  public String annotation(String ns, String pod, String key) {
    Pod p = client.pods().inNamespace(ns).withName(pod).get();
    return p == null || p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(key);
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
