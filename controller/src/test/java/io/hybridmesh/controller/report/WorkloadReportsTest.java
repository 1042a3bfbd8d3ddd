package io.hybridmesh.controller.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.facts.ProbeCostClass;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadReportsTest {

  private static final NodeFacts CAPABLE = new NodeFacts("n1", "6.18.0", EnumSet.allOf(KernelFeature.class), false);
  private static final NodeFacts OLD = new NodeFacts("n2", "4.9.0", EnumSet.of(KernelFeature.TC_BPF), true);
  private static final WorkloadReports.Workload WL = new WorkloadReports.Workload("demo", "backend", "Deployment");
  private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

  private static WorkloadReport report(Inputs.Mode mode, List<NodeFacts> nodes, Inputs.Container c,
      ContainerReport cr) {
    Decision d = DecisionEngine.decide(new Inputs(mode, Inputs.Fallback.SIDECAR, nodes, List.of(c),
        Set.of(Inputs.ProbeKind.OPENSSL)));
    return WorkloadReports.build(WL, mode, d, nodes, List.of(cr), AT);
  }

  @Test
  void dynamicOpensslOnACapableKernelIsEbpfWithFullVisibility() {
    ContainerReport nginx = ContainerReport.newBuilder().setName("nginx").setLibrary(TlsLibrary.OPENSSL)
        .setLinkage("DYNAMIC").addUprobeTargets("/usr/lib/libssl.so.3:SSL_write").build();
    WorkloadReport r = report(Inputs.Mode.AUTO, List.of(CAPABLE),
        new Inputs.Container("nginx", "OPENSSL", Inputs.ProbeKind.OPENSSL, true), nginx);

    assertEquals(WorkloadDataPath.EBPF, r.getDataPath());
    assertEquals(L7Visibility.L7_FULL, r.getL7Visibility());
    assertEquals("AUTO", r.getRequestedMode());
    assertEquals("n1", r.getNodeName());
    assertEquals(List.of(TlsLibrary.OPENSSL), r.getTlsLibrariesList());
    assertTrue(r.getSeesList().stream().anyMatch(s -> s.contains("inside TLS")));
    assertTrue(r.getNodes(0).getCapable());
    assertEquals(0, r.getNodes(0).getMissingFeaturesCount());
    assertEquals(AT.getEpochSecond(), r.getProbedAt().getSeconds());
  }

  @Test
  void boringSslOnTheEbpfPathSaysItsFlowsMayLackTheirConnection() {
    ContainerReport netty = ContainerReport.newBuilder().setName("payments").setLibrary(TlsLibrary.BORINGSSL)
        .setLinkage("DLOPEN").build();
    Decision d = DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(CAPABLE),
        List.of(new Inputs.Container("payments", "BORINGSSL", Inputs.ProbeKind.BORINGSSL_SYMBOLS, true)),
        io.hybridmesh.controller.facts.ProbeKinds.AGENT_SUPPORTS));
    WorkloadReport r = WorkloadReports.build(WL, Inputs.Mode.AUTO, d, List.of(CAPABLE), List.of(netty), AT);
    assertEquals(WorkloadDataPath.EBPF, r.getDataPath());
    assertEquals(L7Visibility.L7_FULL, r.getL7Visibility());
    assertTrue(r.getMissesList().stream().anyMatch(s -> s.startsWith("the addresses and ports of container "
        + "payments's HTTP requests") && s.contains("memory buffers")), r.getMissesList()::toString);

    // OpenSSL gives its calls the socket: nothing of the kind said.
    ContainerReport nginx = ContainerReport.newBuilder().setName("nginx").setLibrary(TlsLibrary.OPENSSL).build();
    WorkloadReport o = report(Inputs.Mode.AUTO, List.of(CAPABLE),
        new Inputs.Container("nginx", "OPENSSL", Inputs.ProbeKind.OPENSSL, true), nginx);
    assertTrue(o.getMissesList().stream().noneMatch(s -> s.contains("memory buffers")), o.getMissesList()::toString);
  }

  @Test
  void aPlaintextAppWhereTheAgentReadsTheSocketIsEbpfFullAndSaysWhatIsSeenThere() {
    ContainerReport c = ContainerReport.newBuilder().setName("app").setPlaintext(true).build();
    Inputs.Container app = new Inputs.Container("app", "NONE", Inputs.ProbeKind.PLAINTEXT, true);
    Decision d = DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(CAPABLE),
        List.of(app), io.hybridmesh.controller.facts.ProbeKinds.AGENT_SUPPORTS));
    WorkloadReport r = WorkloadReports.build(WL, Inputs.Mode.AUTO, d, List.of(CAPABLE), List.of(c), AT);

    assertEquals(WorkloadDataPath.EBPF, r.getDataPath());
    assertEquals(L7Visibility.L7_FULL, r.getL7Visibility());
    assertEquals("TLS_NONE", r.getReasons(0).getCode());
    assertTrue(r.getSeesList().stream().anyMatch(s -> s.startsWith("plaintext HTTP/1.x and HTTP/2 (h2c) at the "
        + "TCP socket")), r.getSeesList()::toString);
    assertTrue(r.getMissesList().stream().noneMatch(s -> s.contains("socket")), r.getMissesList()::toString);
  }

  @Test
  void aTlsAppWhereTheAgentDoesNotReadTheSocketSaysPlaintextIsMissed() {
    NodeFacts olderAgent = new NodeFacts("n3", "6.18.0",
        EnumSet.complementOf(EnumSet.of(KernelFeature.PLAINTEXT_SOCKET, KernelFeature.PLAINTEXT_TC)), false);
    ContainerReport nginx = ContainerReport.newBuilder().setName("nginx").setLibrary(TlsLibrary.OPENSSL).build();
    WorkloadReport r = report(Inputs.Mode.AUTO, List.of(olderAgent),
        new Inputs.Container("nginx", "OPENSSL", Inputs.ProbeKind.OPENSSL, true), nginx);

    assertEquals(WorkloadDataPath.EBPF, r.getDataPath());
    assertTrue(r.getMissesList().stream().anyMatch(s -> s.startsWith("plaintext HTTP beside the TLS library")),
        r.getMissesList()::toString);
    assertTrue(r.getSeesList().stream().noneMatch(s -> s.contains("at the TCP socket")));
    assertEquals(List.of("PLAINTEXT_SOCKET"), r.getNodes(0).getMissingFeaturesList());
    assertTrue(r.getNodes(0).getCapable(), "it still reads TLS");
  }

  @Test
  void jsseGetsASidecarThatSeesOnlyTlsMetadataAndSaysSo() {
    ContainerReport java = ContainerReport.newBuilder().setName("payments").setLibrary(TlsLibrary.JSSE)
        .setLinkage("NONE").build();
    WorkloadReport r = report(Inputs.Mode.AUTO, List.of(CAPABLE),
        new Inputs.Container("payments", "JSSE", null, false), java);

    assertEquals(WorkloadDataPath.SIDECAR, r.getDataPath());
    assertEquals(L7Visibility.L7_TLS_METADATA, r.getL7Visibility());
    assertTrue(r.getMissesList().stream().anyMatch(s -> s.contains("ciphertext")), r.getMissesList()::toString);
    assertFalse(r.getReasonsList().isEmpty());
  }

  @Test
  void aSidecarWithPlaintextSaysItSeesGrpcPerCallAndStreamsOnlyAtTheirEnd() {
    WorkloadReport.Builder b = WorkloadReport.newBuilder();
    WorkloadReports.describe(Decision.DataPath.SIDECAR, Decision.Visibility.FULL, false, b);
    assertTrue(b.getSeesList().stream().anyMatch(s -> s.startsWith("HTTP/1.x and HTTP/2 requests and responses")
        && s.contains("gRPC service, method and status of each call")), b.getSeesList()::toString);
    assertTrue(b.getMissesList().stream().anyMatch(s -> s.contains("gRPC streaming call while it is open")
        && s.contains("once, when its stream ends")), b.getMissesList()::toString);
    assertTrue(b.getMissesList().stream().noneMatch(s -> s.contains("not parsed")), b.getMissesList()::toString);
  }

  @Test
  void anOldKernelIsReportedWithWhatItLacksAndThatItIsAGuess() {
    ContainerReport c = ContainerReport.newBuilder().setName("app").setPlaintext(true).build();
    WorkloadReport r = report(Inputs.Mode.AUTO, List.of(OLD),
        new Inputs.Container("app", "NONE", Inputs.ProbeKind.PLAINTEXT, true), c);

    assertEquals(WorkloadDataPath.SIDECAR, r.getDataPath());
    assertTrue(r.getNodes(0).getGuess());
    assertFalse(r.getNodes(0).getCapable());
    assertTrue(r.getNodes(0).getMissingFeaturesList().contains("BTF"));
    assertTrue(r.getTlsLibrariesList().isEmpty(), "no TLS library is listed as UNKNOWN");
  }

  @Test
  void modeOffObservesNothing() {
    ContainerReport c = ContainerReport.newBuilder().setName("app").build();
    WorkloadReport r = report(Inputs.Mode.OFF, List.of(CAPABLE),
        new Inputs.Container("app", "OPENSSL", Inputs.ProbeKind.OPENSSL, true), c);
    assertEquals(WorkloadDataPath.NONE, r.getDataPath());
    assertEquals("MODE_OFF", r.getReasons(0).getCode());
    assertTrue(r.getSeesList().isEmpty());
  }

  @Test
  void noNodesYetIsPending() {
    Decision d = DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(),
        List.of(), Set.of()));
    WorkloadReport r = WorkloadReports.build(WL, Inputs.Mode.AUTO, d, List.of(), List.of(), AT);
    assertEquals(WorkloadDataPath.PENDING, r.getDataPath());
    assertEquals("", r.getNodeName());
  }

  @Test
  void eachNodeSaysWhatATlsCallCostsThereFromItsOwnMeasurement() {
    ContainerReport nginx = ContainerReport.newBuilder().setName("nginx").setLibrary(TlsLibrary.OPENSSL)
        .setLinkage("DYNAMIC")
        .addProbeSites(WorkloadReports.probeSite("SSL_write", "/lib/libssl.so.3", 0x100, 0x180L, "push %r14",
            ProbeCostClass.EMULATED, "shared"))
        .addProbeSites(WorkloadReports.probeSite("SSL_write_ex", "/lib/libssl.so.3", 0x200, 0x180L, "push %r14",
            ProbeCostClass.EMULATED, "shared"))
        .addProbeSites(WorkloadReports.probeSite("SSL_read", "/lib/libssl.so.3", 0x300, null, null, null, null))
        .build();
    NodeFacts kvm = new NodeFacts("kvm", "6.18.0", EnumSet.allOf(KernelFeature.class), false,
        new UprobePairCost(1_706L, 13_772L, null));
    Inputs.Container c = new Inputs.Container("nginx", "OPENSSL", Inputs.ProbeKind.OPENSSL, true);
    WorkloadReport unknownSite = report(Inputs.Mode.AUTO, List.of(kvm), c, nginx);
    assertEquals(0L, unknownSite.getNodes(0).getTlsCallNs());
    assertTrue(unknownSite.getNodes(0).getTlsCallNote().contains("1 of the 2"), unknownSite.getNodes(0)::toString);
    assertEquals(0x300L, unknownSite.getContainers(0).getProbeSites(2).getProbeOffset(), "the entry, not analysed");

    ContainerReport analysed = nginx.toBuilder().setProbeSites(2, WorkloadReports.probeSite("SSL_read",
        "/lib/libssl.so.3", 0x300, 0x300L, "endbr64", ProbeCostClass.SINGLE_STEPPED, "entry")).build();
    WorkloadReport r = report(Inputs.Mode.AUTO, List.of(kvm, CAPABLE), c, analysed);
    assertEquals(Math.round((1_706 + 13_772) / 2.0), r.getNodes(0).getTlsCallNs());
    assertEquals(1_706L, r.getNodes(0).getEmulatedPairNs());
    assertEquals(13_772L, r.getNodes(0).getSingleSteppedPairNs());
    assertEquals("", r.getNodes(0).getTlsCallNote());
    assertEquals(0L, r.getNodes(1).getTlsCallNs(), "a node that measured nothing");
    assertTrue(r.getNodes(1).getTlsCallNote().contains("not measured"), r.getNodes(1)::toString);
  }
}
