package io.hybridmesh.controller.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WorkloadCapabilities read back from the mock API server as Observer WorkloadReports. */
@EnableKubernetesMockClient(crud = true)
class ClusterWorkloadReportsIT {

  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void reports() {
    client.apiextensions().v1().customResourceDefinitions().load(getClass().getResourceAsStream(
        "/META-INF/fabric8/workloadcapabilities.hybridmesh.io-v1.yml")).create();
    for (String ns : List.of("shop", "ops")) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    create(ClusterWorkloadReportsTest.report("shop", "Deployment", "web", "EBPF", "FULL", "OPENSSL"));
    create(ClusterWorkloadReportsTest.report("shop", "StatefulSet", "db", "SIDECAR", "TLS_METADATA_ONLY", "JSSE"));
    create(ClusterWorkloadReportsTest.report("ops", "DaemonSet", "logs", "PENDING", "NONE", null));
  }

  private void create(WorkloadCapability w) {
    WorkloadCapability created = client.resource(w).create();
    created.setStatus(w.getStatus());
    client.resource(created).updateStatus();
  }

  @Test
  void everyNamespaceByDefaultSortedByNamespaceAndName() {
    List<WorkloadReport> all = new ClusterWorkloadReports(client).list(ListWorkloadsRequest.getDefaultInstance());
    assertEquals(List.of("ops/logs", "shop/db", "shop/web"), all.stream().map(r -> r.getNamespace() + "/"
        + r.getName()).toList());
    WorkloadReport web = all.get(2);
    assertEquals(WorkloadDataPath.EBPF, web.getDataPath());
    assertEquals(L7Visibility.L7_FULL, web.getL7Visibility());
    assertEquals(List.of(TlsLibrary.OPENSSL), web.getTlsLibrariesList());
    assertEquals("Deployment", web.getKind());
    assertEquals("UPROBE_TARGETS_OK", web.getReasons(0).getCode());
    assertEquals(WorkloadDataPath.SIDECAR, all.get(1).getDataPath());
    assertEquals(L7Visibility.L7_TLS_METADATA, all.get(1).getL7Visibility());
    assertEquals(WorkloadDataPath.PENDING, all.get(0).getDataPath());
  }

  @Test
  void namespaceAndNamePrefixFilters() {
    ClusterWorkloadReports reports = new ClusterWorkloadReports(client);
    assertEquals(List.of("db", "web"), reports.list(ListWorkloadsRequest.newBuilder().addNamespace("shop").build())
        .stream().map(WorkloadReport::getName).toList());
    assertEquals(List.of("web"), reports.list(ListWorkloadsRequest.newBuilder().addNamePrefix("we").build())
        .stream().map(WorkloadReport::getName).toList());
  }
}
