package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.ControllerSettings;
import io.hybridmesh.controller.HmeshOperator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** StatefulSets and DaemonSets are reconciled like Deployments. */
class OtherKindsIT {

  static PodTemplateSpec template(String app) {
    return new PodTemplateSpecBuilder().withNewMetadata().withLabels(Map.of("app", app)).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("example/" + app).endContainer().endSpec().build();
  }

  static WorkloadCapability report(MockCluster cluster, String ns, String name) {
    return cluster.client.resources(WorkloadCapability.class).inNamespace(ns).withName(name).get();
  }

  @Test
  void aStatefulSetGetsItsSidecarAndADaemonSetItsEbpf() {
    try (MockCluster cluster = new MockCluster()) {
      cluster.node("n1", "6.8.0");
      cluster.nodeCapability("n1", "6.8.0", MockCluster.allFeatures());
      cluster.namespace("kinds", true);
      cluster.pod("kinds", "db", "n1", Probes.jsse());
      cluster.pod("kinds", "agent", "n1", Probes.dynamicOpenSsl());
      cluster.client.resource(new StatefulSetBuilder().withNewMetadata().withNamespace("kinds").withName("db")
          .endMetadata().withNewSpec().withServiceName("db").withNewSelector().withMatchLabels(Map.of("app", "db"))
          .endSelector().withTemplate(template("db")).endSpec().build()).create();
      cluster.client.resource(new DaemonSetBuilder().withNewMetadata().withNamespace("kinds").withName("agent")
          .endMetadata().withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "agent")).endSelector()
          .withTemplate(template("agent")).endSpec().build()).create();
      try (HmeshOperator operator = HmeshOperator.start(cluster.client, ControllerSettings.defaults()
          .withoutLeaderElection())) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          WorkloadCapability db = report(cluster, "kinds", "statefulset-db");
          WorkloadCapability agent = report(cluster, "kinds", "daemonset-agent");
          return db != null && db.getStatus() != null && agent != null && agent.getStatus() != null
              && "SIDECAR".equals(db.getStatus().getDataPath()) && "EBPF".equals(agent.getStatus().getDataPath());
        });
        await().until(() -> cluster.client.apps().statefulSets().inNamespace("kinds").withName("db").get().getSpec()
            .getTemplate().getSpec().getInitContainers().size() == 2);
        List<String> init = cluster.client.apps().statefulSets().inNamespace("kinds").withName("db").get().getSpec()
            .getTemplate().getSpec().getInitContainers().stream().map(Container::getName).toList();
        assertEquals(List.of("hmesh-init", "hmesh-proxy"), init);
        assertEquals("StatefulSet", report(cluster, "kinds", "statefulset-db").getMetadata().getOwnerReferences()
            .get(0).getKind());
        assertEquals(List.of(), cluster.client.apps().daemonSets().inNamespace("kinds").withName("agent").get()
            .getSpec().getTemplate().getSpec().getInitContainers());
      }
    }
  }
}
