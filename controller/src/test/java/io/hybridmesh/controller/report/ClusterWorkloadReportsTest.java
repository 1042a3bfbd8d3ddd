package io.hybridmesh.controller.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.PodShortfall;
import io.hybridmesh.api.observer.v1.NodeReport;
import io.hybridmesh.api.observer.v1.ProbeCost;
import io.hybridmesh.api.observer.v1.ProbeSite;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.ContainerStatus;
import io.hybridmesh.api.v1alpha1.NodeStatus;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.UprobeTargetStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilitySpec;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.api.v1alpha1.WorkloadReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterWorkloadReportsTest {

  static WorkloadCapability report(String ns, String kind, String name, String path, String l7, String library) {
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace(ns);
    w.getMetadata().setName(kind.toLowerCase() + "-" + name);
    WorkloadCapabilitySpec spec = new WorkloadCapabilitySpec();
    spec.setWorkload(new WorkloadReference("apps/v1", kind, name));
    w.setSpec(spec);
    WorkloadCapabilityStatus s = new WorkloadCapabilityStatus();
    s.setDataPath(path);
    s.setL7Visibility(l7);
    s.setReasons(List.of(new ReasonStatus(path.equals("EBPF") ? "UPROBE_TARGETS_OK" : "TLS_JSSE", "because")));
    ContainerStatus c = new ContainerStatus();
    c.setName("app");
    c.setLibrary(library);
    s.setContainers(List.of(c));
    NodeStatus n = new NodeStatus();
    n.setName("node-1");
    s.setNodes(List.of(n));
    s.setDecidedAt("2026-11-27T08:00:00Z");
    w.setStatus(s);
    return w;
  }

  @Test
  void mapsEveryField() {
    WorkloadReport r = ClusterWorkloadReports.toReport(report("shop", "Deployment", "web", "EBPF", "FULL", "BORINGSSL"));
    assertEquals("web", r.getName());
    assertEquals("shop", r.getNamespace());
    assertEquals("Deployment", r.getKind());
    assertEquals("node-1", r.getNodeName());
    assertEquals(WorkloadDataPath.EBPF, r.getDataPath());
    assertEquals(L7Visibility.L7_FULL, r.getL7Visibility());
    assertEquals(List.of(TlsLibrary.BORINGSSL), r.getTlsLibrariesList());
    assertEquals(1795766400L, r.getProbedAt().getSeconds());
    assertTrue(r.getSeesList().stream().anyMatch(x -> x.contains("inside TLS")), r.getSeesList()::toString);
    assertTrue(r.getMissesList().stream().anyMatch(x -> x.contains("BoringSSL is given memory buffers")),
        r.getMissesList()::toString);
    assertEquals(1, r.getContainersCount());
    assertEquals(1, r.getNodesCount());
  }

  @Test
  void plaintextAtTheSocketIsSeenUnlessANodeListsItAsMissing() {
    WorkloadCapability w = report("shop", "Deployment", "web", "EBPF", "FULL", "OPENSSL");
    WorkloadReport reads = ClusterWorkloadReports.toReport(w);
    assertTrue(reads.getSeesList().stream().anyMatch(x -> x.contains("at the TCP socket")), reads::toString);
    w.getStatus().getNodes().get(0).setMissingFeatures(List.of("PLAINTEXT_SOCKET"));
    WorkloadReport misses = ClusterWorkloadReports.toReport(w);
    assertTrue(misses.getSeesList().stream().noneMatch(x -> x.contains("at the TCP socket")));
    assertTrue(misses.getMissesList().stream().anyMatch(x -> x.startsWith("plaintext HTTP beside the TLS library")),
        misses::toString);
  }

  @Test
  void podsOnNodesThatSeeLessAreInTheReport() {
    WorkloadCapability w = report("shop", "Deployment", "web", "EBPF", "FULL", "OPENSSL");
    w.getStatus().setPlacement("prefer-capable");
    w.getStatus().setPodsOnIncapableNodes(List.of(new PodPlacementStatus("web-7d9", "old-1", "L4_ONLY",
        "its HTTP inside TLS: node old-1 (kernel 5.4.0) lacks BTF, UPROBES")));
    WorkloadReport r = ClusterWorkloadReports.toReport(w);
    assertEquals("prefer-capable", r.getPlacement());
    assertEquals(1, r.getPodsOnIncapableNodesCount());
    PodShortfall p = r.getPodsOnIncapableNodes(0);
    assertEquals(List.of("web-7d9", "old-1", "L4_ONLY"), List.of(p.getPod(), p.getNode(), p.getL7Visibility()));
    assertTrue(p.getLacks().contains("lacks BTF, UPROBES"), p.getLacks());
  }

  @Test
  void noneAndPendingAreDataPathsOfTheirOwn() {
    assertEquals(WorkloadDataPath.NONE, ClusterWorkloadReports.toReport(
        report("ns", "Deployment", "off", "NONE", "NONE", "NONE")).getDataPath());
    assertEquals(WorkloadDataPath.PENDING, ClusterWorkloadReports.toReport(
        report("ns", "Deployment", "new", "PENDING", "NONE", "NONE")).getDataPath());
  }

  @Test
  void aSidecarsFullVisibilityIsPlaintextOnly() {
    assertEquals(L7Visibility.L7_PLAINTEXT, ClusterWorkloadReports.visibility("SIDECAR", "FULL"));
    assertEquals(L7Visibility.L7_NONE, ClusterWorkloadReports.visibility("EBPF", "L4_ONLY"));
    assertEquals(L7Visibility.L7_VISIBILITY_UNKNOWN, ClusterWorkloadReports.visibility("PENDING", "NONE"));
  }

  @Test
  void aReportWithoutStatusIsStillAReport() {
    WorkloadCapability w = report("ns", "DaemonSet", "d", "NONE", "NONE", "NONE");
    w.setStatus(null);
    WorkloadReport r = ClusterWorkloadReports.toReport(w);
    assertEquals("d", r.getName());
    assertEquals(WorkloadDataPath.WORKLOAD_DATA_PATH_UNKNOWN, r.getDataPath());
    assertFalse(r.hasProbedAt());
    assertEquals(List.of(), ClusterWorkloadReports.toReport(report("ns", "DaemonSet", "d", "NONE", "NONE", "NONE"))
        .getTlsLibrariesList(), "plaintext is no TLS library");
  }

  static UprobeTargetStatus target(String symbol, Long offset, Long probeOffset, String instruction, String cost) {
    UprobeTargetStatus t = new UprobeTargetStatus(symbol, "/lib/libssl.so.3", true, null);
    t.setOffset(offset);
    t.setProbeOffset(probeOffset);
    t.setInstruction(instruction);
    t.setCost(cost);
    t.setSite(cost == null ? null : "because");
    return t;
  }

  @Test
  void mapsProbeSitesAndTheExpectedCpuPerTlsCall() {
    WorkloadCapability w = report("shop", "Deployment", "web", "EBPF", "FULL", "OPENSSL");
    ContainerStatus c = w.getStatus().getContainers().get(0);
    c.setUprobeTargets(List.of(target("SSL_write", 0x35500L, 0x355a0L, "push %r14", "EMULATED"),
        target("SSL_read", 0x35300L, null, null, null),
        target("SSL_read_ex", 0x35400L, 0x35400L, "sub $0x8,%rsp", "TELEPORTED"),
        target("SSL_peek", null, null, null, null),
        new UprobeTargetStatus("SSL_shutdown", "/lib/libssl.so.3", false, "not exported")));
    NodeStatus n = w.getStatus().getNodes().get(0);
    n.setTlsCallNanos(1_400L);
    n.setEmulatedPairNs(1_400L);
    n.setSingleSteppedPairNs(-3L);
    WorkloadReport r = ClusterWorkloadReports.toReport(w);

    List<ProbeSite> sites = r.getContainers(0).getProbeSitesList();
    assertEquals(List.of("SSL_write", "SSL_read", "SSL_read_ex"), sites.stream().map(ProbeSite::getSymbol).toList(),
        "a target without any offset (a status from before probe sites) has no site; unresolved ones neither");
    assertEquals(List.of(0x35500L, 0x355a0L, "push %r14", ProbeCost.EMULATED, "because"), List.of(
        sites.get(0).getOffset(), sites.get(0).getProbeOffset(), sites.get(0).getInstruction(), sites.get(0).getCost(),
        sites.get(0).getSite()));
    assertEquals(0x35300L, sites.get(1).getProbeOffset(), "not analysed: the entry is what is probed");
    assertEquals(ProbeCost.PROBE_COST_UNKNOWN, sites.get(1).getCost());
    assertEquals(ProbeCost.PROBE_COST_UNKNOWN, sites.get(2).getCost(), "a class this version does not know");
    assertEquals(4, r.getContainers(0).getUprobeTargetsCount(), "the resolved targets as before");

    NodeReport node = r.getNodes(0);
    assertEquals(1_400L, node.getTlsCallNs());
    assertEquals("", node.getTlsCallNote());
    assertEquals(1_400L, node.getEmulatedPairNs());
    assertEquals(0L, node.getSingleSteppedPairNs(), "nonsense reads as not measured");
  }

  @Test
  void aNodeWithoutAnExpectedCostSaysWhy() {
    WorkloadCapability w = report("shop", "Deployment", "web", "EBPF", "FULL", "OPENSSL");
    w.getStatus().getNodes().get(0).setTlsCallNote("What a uprobe pair costs was not measured on this node.");
    NodeReport node = ClusterWorkloadReports.toReport(w).getNodes(0);
    assertEquals(0L, node.getTlsCallNs());
    assertEquals("What a uprobe pair costs was not measured on this node.", node.getTlsCallNote());
  }
}
