package io.hybridmesh.controller.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Operator, in-process, against the mock API server: each decision path, opt-in and opt-out. */
class WorkloadControllerIT {

  static MockCluster cluster;
  static HmeshOperator operator;

  @BeforeAll
  static void start() {
    cluster = new MockCluster();
    cluster.node("new-1", "6.8.0-45-generic");
    cluster.nodeCapability("new-1", "6.8.0-45-generic", MockCluster.allFeatures());
    operator = HmeshOperator.start(cluster.client, MockCluster.operatorSettings());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cluster.close();
  }

  static WorkloadCapability awaitPath(String ns, String name, String path) {
    return cluster.awaitPath(ns, name, path);
  }

  static List<String> initContainers(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getInitContainers().stream().map(Container::getName).toList();
  }

  static List<String> codes(WorkloadCapability w) {
    return w.getStatus().getReasons().stream().map(r -> r.getCode()).toList();
  }

  @Test
  void capableKernelWithDynamicOpenSslGetsEbpfAndAReportOwnedByTheWorkload() {
    cluster.namespace("ebpf", true);
    cluster.pod("ebpf", "web", "new-1", Probes.dynamicOpenSsl());
    Deployment d = cluster.deployment("ebpf", "web", Map.of());
    WorkloadCapability w = awaitPath("ebpf", "web", "EBPF");
    assertEquals("FULL", w.getStatus().getL7Visibility());
    assertEquals("auto", w.getStatus().getRequestedMode());
    assertTrue(codes(w).contains("UPROBE_TARGETS_OK"), codes(w).toString());
    assertEquals("OPENSSL", w.getStatus().getContainers().get(0).getLibrary());
    assertEquals("new-1", w.getStatus().getNodes().get(0).getName());
    OwnerReference owner = w.getMetadata().getOwnerReferences().get(0);
    assertEquals(List.of("Deployment", "apps/v1", "web", d.getMetadata().getUid(), true),
        List.of(owner.getKind(), owner.getApiVersion(), owner.getName(), owner.getUid(), owner.getController()),
        "the garbage collector deletes the report with its workload");
    assertTrue(initContainers(cluster.get("ebpf", "web")).isEmpty());
    await().until(() -> events("ebpf").stream().anyMatch(e -> "DataPathChanged".equals(e.getReason())));
  }

  @Test
  void oldKernelGetsAnInjectedSidecarJudgedFromTheKernelVersion() {
    cluster.node("old-1", "4.14.0-1-amd64");
    cluster.namespace("old", true);
    Deployment d = cluster.deployment("old", "api", Map.of(HybridMeshNames.FALLBACK_ANNOTATION, "sidecar"));
    // Pinned to the old node: its nodeSelector leaves the capable one out.
    cluster.client.apps().deployments().inNamespace("old").withName("api").edit(x -> {
      x.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("kubernetes.io/hostname", "old-1"));
      return x;
    });
    cluster.pod("old", "api", "old-1", Probes.dynamicOpenSsl());
    WorkloadCapability w = awaitPath("old", "api", "SIDECAR");
    assertTrue(codes(w).contains("KERNEL_GUESS") && codes(w).contains("KERNEL_NO_RINGBUF"), codes(w).toString());
    assertTrue(w.getStatus().getNodes().stream().anyMatch(n -> n.getName().equals("old-1") && n.getGuess()));
    await().until(() -> initContainers(cluster.get("old", "api")).equals(List.of(SidecarInjector.INIT,
        SidecarInjector.PROXY)));
    Container proxy = cluster.get("old", "api").getSpec().getTemplate().getSpec().getInitContainers().get(1);
    assertEquals("Always", proxy.getRestartPolicy(), "a native sidecar");
    assertNotNull(cluster.get("old", "api").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(HybridMeshNames.SIDECAR_HASH_ANNOTATION));
    await().until(() -> cluster.report("old", "api").getStatus().getObservedGeneration()
        .equals(cluster.get("old", "api").getMetadata().getGeneration()));
    assertTrue(d.getMetadata().getGeneration() < cluster.get("old", "api").getMetadata().getGeneration());
  }

  @Test
  void goGetsEbpfWhereItsOffsetsAreKnownAndASidecarWithTheAgentsReasonWhereNot() {
    cluster.namespace("golang", true);
    Map<String, String> cases = Map.of("go", Probes.go(), "go-new", Probes.goUnknownOffsets());
    cases.forEach((name, probe) -> {
      cluster.deployment("golang", name, Map.of());
      cluster.client.apps().deployments().inNamespace("golang").withName(name).edit(x -> {
        x.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("kubernetes.io/hostname", "new-1"));
        return x;
      });
      cluster.pod("golang", name, "new-1", probe);
    });
    WorkloadCapability go = awaitPath("golang", "go", "EBPF");
    assertEquals("FULL", go.getStatus().getL7Visibility());
    assertEquals("PCLNTAB", go.getStatus().getContainers().get(0).getGoFunctionsFrom());
    assertEquals("table go1.19", go.getStatus().getContainers().get(0).getGoStructOffsets());
    assertTrue(go.getStatus().getReasons().stream().anyMatch(r -> r.getMessage().contains("go1.19.8")));
    assertTrue(codes(awaitPath("golang", "go-new", "SIDECAR")).contains("GO_VERSION_UNKNOWN_OFFSETS"));
  }

  @Test
  void jsseAndStrippedStaticTlsGetSidecarsPerTheEngine() {
    cluster.namespace("tls", true);
    Map<String, String> cases = Map.of("jsse", Probes.jsse(), "stripped", Probes.strippedStatic());
    cases.forEach((name, probe) -> {
      cluster.pod("tls", name, "new-1", probe);
      cluster.deployment("tls", name, Map.of());
    });
    assertEquals("JSSE", codes(awaitPath("tls", "jsse", "SIDECAR")).stream().filter(c -> c.startsWith("TLS_"))
        .findFirst().orElseThrow().substring(4));
    WorkloadCapability stripped = awaitPath("tls", "stripped", "SIDECAR");
    assertTrue(codes(stripped).contains("TLS_STATIC_STRIPPED"));
    assertEquals("TLS_METADATA_ONLY", stripped.getStatus().getL7Visibility());
  }

  @Test
  void mixedNodeKernelsAreDecidedForTheWeakest() {
    cluster.node("mixed-old", "5.4.0-150-generic");
    cluster.namespace("mixed", true);
    cluster.pod("mixed", "db", "mixed-old", Probes.dynamicOpenSsl());
    cluster.deployment("mixed", "db", Map.of());
    WorkloadCapability w = awaitPath("mixed", "db", "SIDECAR");
    assertTrue(codes(w).contains("KERNEL_MIXED"), codes(w).toString());
  }

  @Test
  void optingOutRemovesTheSidecarAndTheReport() {
    cluster.namespace("out", true);
    cluster.pod("out", "svc", "new-1", Probes.jsse());
    cluster.deployment("out", "svc", Map.of());
    awaitPath("out", "svc", "SIDECAR");
    await().until(() -> initContainers(cluster.get("out", "svc")).contains(SidecarInjector.PROXY));
    cluster.client.namespaces().withName("out").edit(n -> {
      n.getMetadata().getLabels().remove(HybridMeshNames.ENABLED_LABEL);
      return n;
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> cluster.report("out", "svc") == null
        && initContainers(cluster.get("out", "svc")).isEmpty());
    assertNull(cluster.get("out", "svc").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(HybridMeshNames.SIDECAR_HASH_ANNOTATION));
  }

  @Test
  void modeOffAndAnotherMeshLeaveTheWorkloadAlone() {
    cluster.namespace("alone", true);
    cluster.pod("alone", "quiet", "new-1", Probes.jsse());
    cluster.deployment("alone", "quiet", Map.of(HybridMeshNames.MODE_ANNOTATION, "off"));
    assertEquals(List.of("MODE_OFF"), codes(awaitPath("alone", "quiet", "NONE")).subList(0, 1));
    cluster.pod("alone", "istio", "new-1", Probes.jsse());
    cluster.deployment("alone", "istio", Map.of("sidecar.istio.io/inject", "true"));
    WorkloadCapability w = awaitPath("alone", "istio", "NONE");
    assertEquals("OTHER_MESH", codes(w).get(0));
    assertTrue(w.getStatus().getReasons().get(0).getMessage().contains("sidecar.istio.io/inject=true"));
    assertTrue(initContainers(cluster.get("alone", "istio")).isEmpty());
  }

  @Test
  void aNodeCapabilityChangeBringsANewDecision() {
    cluster.node("upgrading", "4.19.0-26-amd64");
    cluster.namespace("upgrade", true);
    cluster.deployment("upgrade", "app", Map.of());
    cluster.client.apps().deployments().inNamespace("upgrade").withName("app").edit(x -> {
      x.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("kubernetes.io/hostname", "upgrading"));
      return x;
    });
    cluster.pod("upgrade", "app", "upgrading", Probes.dynamicOpenSsl());
    awaitPath("upgrade", "app", "SIDECAR");
    await().until(() -> initContainers(cluster.get("upgrade", "app")).contains(SidecarInjector.PROXY));
    // The agent starts on the node and finds a kernel with everything backported.
    cluster.nodeCapability("upgrading", "4.19.0-26-amd64", MockCluster.allFeatures());
    WorkloadCapability w = awaitPath("upgrade", "app", "EBPF");
    assertFalse(codes(w).contains("KERNEL_GUESS"));
    await().until(() -> initContainers(cluster.get("upgrade", "app")).isEmpty());
  }

  @Test
  void probeSitesAndTheNodesMeasuredCostGiveTheExpectedCpuPerTlsCall() {
    cluster.node("kvm-1", "6.18.0");
    cluster.nodeCapability("kvm-1", "6.18.0", MockCluster.allFeatures());
    cluster.uprobeCost("kvm-1", 1_400L, 13_800L);
    cluster.namespace("costs", true);
    cluster.deployment("costs", "web", Map.of());
    cluster.client.apps().deployments().inNamespace("costs").withName("web").edit(x -> {
      x.getSpec().getTemplate().getSpec().setNodeSelector(Map.of("kubernetes.io/hostname", "kvm-1"));
      return x;
    });
    cluster.pod("costs", "web", "kvm-1", Probes.dynamicOpenSsl());
    WorkloadCapability w = awaitPath("costs", "web", "EBPF");
    var write = w.getStatus().getContainers().get(0).getUprobeTargets().get(0);
    assertEquals(List.of("SSL_write", 229136L, 229136L, "push %r14", "EMULATED"), List.of(write.getSymbol(),
        write.getOffset(), write.getProbeOffset(), write.getInstruction(), write.getCost()));
    assertTrue(write.getSite().contains("emulates"));
    await().until(() -> Long.valueOf(7_600).equals(cluster.report("costs", "web").getStatus().getNodes().get(0)
        .getTlsCallNanos()));
    // The agent restarts and measures again: only the cost changed, and the report follows it.
    cluster.uprobeCost("kvm-1", 1_000L, null);
    await().until(() -> cluster.report("costs", "web").getStatus().getNodes().get(0).getTlsCallNanos() == null);
    var node = cluster.report("costs", "web").getStatus().getNodes().get(0);
    assertEquals(1_000L, node.getEmulatedPairNs());
    assertTrue(node.getTlsCallNote().contains("single-stepped"), node.getTlsCallNote());
    assertEquals("EBPF", cluster.report("costs", "web").getStatus().getDataPath(), "a cost is no decision");
  }

  @Test
  void aSecondReconcileWritesNothing() {
    cluster.namespace("steady", true);
    cluster.pod("steady", "calm", "new-1", Probes.jsse());
    cluster.deployment("steady", "calm", Map.of());
    awaitPath("steady", "calm", "SIDECAR");
    await().until(() -> cluster.report("steady", "calm").getStatus().getObservedGeneration()
        .equals(cluster.get("steady", "calm").getMetadata().getGeneration()));
    String deployment = cluster.get("steady", "calm").getMetadata().getResourceVersion();
    String report = cluster.report("steady", "calm").getMetadata().getResourceVersion();
    int events = events("steady").size();
    long before = operator.reconciles();
    // A namespace change reconciles every workload in it; nothing about this one changed.
    cluster.client.namespaces().withName("steady").edit(n -> {
      n.getMetadata().setAnnotations(Map.of("touched", "yes"));
      return n;
    });
    await().until(() -> operator.reconciles() > before);
    assertEquals(deployment, cluster.get("steady", "calm").getMetadata().getResourceVersion(), "template rewritten");
    assertEquals(report, cluster.report("steady", "calm").getMetadata().getResourceVersion(), "status rewritten");
    assertEquals(events, events("steady").size(), "events repeated");
  }

  static List<Event> events(String ns) {
    return cluster.client.v1().events().inNamespace(ns).list().getItems();
  }
}
