package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridmesh.agent.kernel.FeatureFinding;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.kubernetes.ClusterWatch;
import io.hybridmesh.agent.kubernetes.ContainerProcesses;
import io.hybridmesh.agent.kubernetes.NodeCapabilityWriter;
import io.hybridmesh.agent.kubernetes.PodDirectory;
import io.hybridmesh.agent.kubernetes.PodProbeAnnotator;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.NodeCapability;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.NodeFactsReader;
import io.hybridmesh.controller.facts.PodProbes;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import io.hybridmesh.controller.report.ClusterWorkloadReports;
import io.hybridmesh.controller.status.WorkloadPlanner;
import io.hybridmesh.jni.Bpf.Support;
import io.hybridmesh.jni.testing.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes-mode agent's API side against the mock API server (no kernel needed): the NodeCapability
 * and its heartbeat, and the probe annotation for a pod whose container process is in a fake /proc, read back
 * by the controller's own parser.
 */
class KubernetesAgentIT {

  private static final String NODE = "node-a";
  private static final String UID = "8d6f1c2a-3b4e-4f5a-9c8d-7e6f5a4b3c2d";
  private static final String APP = "ab".repeat(32);
  private static final Path LIBSSL = Path.of("/usr/lib/x86_64-linux-gnu/libssl.so.3");

  @TempDir Path proc;
  private MockApi api;
  private ClusterWatch watch;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void setUp() {
    api = new MockApi();
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
    if (watch != null) {
      watch.close();
    }
    api.close();
  }

  private static NodeReport report() {
    return new NodeReport("6.18.0-test", List.of(new FeatureFinding(KernelFeature.BTF, Support.YES, "f"),
        new FeatureFinding(KernelFeature.RINGBUF, Support.YES, "p"),
        new FeatureFinding(KernelFeature.UPROBES, Support.YES, "p")), Map.of(), null, List.of());
  }

  @Test
  void nodeCapabilityIsWrittenAndItsHeartbeatMoves() {
    NodeCapabilityWriter writer = new NodeCapabilityWriter(api.client, NODE, report(), "0.1.0-test",
        Duration.ofSeconds(1), Clock.systemUTC());
    writer.start(scheduler);
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeCapability() != null);
    NodeCapability first = nodeCapability();
    assertEquals("6.18.0-test", first.getSpec().getKernelRelease());
    assertEquals(true, first.getSpec().getBtf());
    assertEquals(List.of("BTF", "RINGBUF", "UPROBES"), first.getSpec().getFeatures());
    assertEquals("0.1.0-test", first.getSpec().getAgentVersion());
    String beat = first.getSpec().getLastHeartbeat();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> !beat.equals(nodeCapability().getSpec().getLastHeartbeat()));
    assertTrue(writer.writes() >= 2);
  }

  @Test
  void nodeCapabilityCarriesTheMeasuredUprobeCostAndForgetsWhatIsNoLongerMeasured() {
    java.time.Instant at = java.time.Instant.parse("2026-12-06T10:00:00Z");
    NodeCapabilityWriter first = new NodeCapabilityWriter(api.client, NODE, report().withUprobeCost(
        new UprobeCost(820, 9_400, 1_300, 10_100, "6.18.0-test", at, 48_000, null)), "0.1.0-test",
        Duration.ofSeconds(30), Clock.systemUTC());
    assertTrue(first.writeOnce());
    var cost = nodeCapability().getSpec().getUprobeCost();
    assertEquals(820L, cost.getEmulatedNs());
    assertEquals(10_100L, cost.getSingleSteppedPairNs());
    assertEquals("2026-12-06T10:00:00Z", cost.getMeasuredAt());
    // A restarted agent whose return probes could not be measured: the old pair value must not linger.
    NodeCapabilityWriter second = new NodeCapabilityWriter(api.client, NODE, report().withUprobeCost(
        new UprobeCost(830, 9_500, UprobeCost.NOT_MEASURED, UprobeCost.NOT_MEASURED, "6.18.0-test", at, 45_000,
            "cannot measure entry+return probes")), "0.1.0-test", Duration.ofSeconds(30), Clock.systemUTC());
    assertTrue(second.writeOnce());
    cost = nodeCapability().getSpec().getUprobeCost();
    assertEquals(830L, cost.getEmulatedNs());
    assertNull(cost.getSingleSteppedPairNs());
    assertEquals("cannot measure entry+return probes", cost.getNote());
    // An agent that measured nothing at all leaves no cost behind.
    assertTrue(new NodeCapabilityWriter(api.client, NODE, report(), "0.1.0-test", Duration.ofSeconds(30),
        Clock.systemUTC()).writeOnce());
    assertNull(nodeCapability().getSpec().getUprobeCost());
  }

  @Test
  void apiServerAwayIsAFailedWriteNotACrash() {
    try (var away = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:9").withRequestRetryBackoffLimit(0).build()).build()) {
      NodeCapabilityWriter writer = new NodeCapabilityWriter(away, NODE, report(), "0.1.0", Duration.ofSeconds(30),
          Clock.systemUTC());
      assertFalse(writer.writeOnce());
      assertFalse(writer.writeOnce());
      assertEquals(0, writer.writes());
    }
  }

  /**
   * The rest of the way, as the controller and {@code hmesh report --kubeconfig} take it: the agent's
   * NodeCapability with a measured cost and the parsed annotation make the WorkloadCapability status, which
   * maps to the report users read.
   */
  private void siteAndCostReachTheReport(ContainerProbe app, List<ContainerProbe.Target> analysed) {
    assertTrue(new NodeCapabilityWriter(api.client, NODE, report().withUprobeCost(new UprobeCost(820, 12_900,
        1_400, 13_800, "6.18.0-test", java.time.Instant.EPOCH, 48_000, null)), "0.1.0-test", Duration.ofSeconds(30),
        Clock.systemUTC()).writeOnce());
    NodeFacts node = NodeFactsReader.read(NODE, nodeCapability(), null).facts();
    assertEquals(1_400L, node.uprobeCost().emulatedNs());
    NodeFacts capable = new NodeFacts(NODE, node.kernelRelease(), EnumSet.allOf(KernelFeature.class), false,
        node.uprobeCost());

    // The tls-probe annotation's own SSL_write alone proves no shared function: its entry (sub, single-stepped)
    // is a third site, and the expectation is the mean over the three sites.
    WorkloadReport withCustom = reportOf(app, capable);
    assertEquals((1_400L + 1_400L + 13_800L) / 3, withCustom.getNodes(0).getTlsCallNs(), withCustom::toString);

    // Without it: the shared write site and the shared read site, both emulated on Debian's libssl.
    WorkloadReport r = reportOf(new ContainerProbe(app.binary(), app.library(), app.linkage(), analysed,
        app.goVersion(), app.error()), capable);
    assertEquals(1_400L, r.getNodes(0).getTlsCallNs(), r::toString);
    assertEquals(13_800L, r.getNodes(0).getSingleSteppedPairNs());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ReportPrinter.details(r, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(text.contains("probe site SSL_write, SSL_write_ex: " + LIBSSL + "+0x"), text);
    assertTrue(text.contains("expected CPU per TLS call: 1.4 µs (2 sites, both emulated;"), text);
  }

  /** The status the controller writes for one container on one node, read back as hmesh report reads it. */
  private static WorkloadReport reportOf(ContainerProbe probe, NodeFacts node) {
    WorkloadFacts facts = new WorkloadFacts(WorkloadKnobs.parse(Map.of(), Map.of(), Inputs.Fallback.SIDECAR),
        java.util.Optional.empty(), false, List.of(new WorkloadFacts.AppContainer("app", "img", probe)),
        List.of(node), List.of());
    WorkloadCapability w = new WorkloadCapability();
    w.getMetadata().setNamespace("shop");
    w.getMetadata().setName("deployment-web");
    w.setStatus(new WorkloadPlanner(ProbeKinds.AGENT_SUPPORTS).plan(facts, null, 1, java.time.Instant.EPOCH)
        .status());
    assertEquals("EBPF", w.getStatus().getDataPath());
    assertTrue(w.getStatus().getContainers().get(0).getUprobeTargets().stream()
        .anyMatch(t -> "SSL_write".equals(t.getSymbol()) && "EMULATED".equals(t.getCost())));
    return ClusterWorkloadReports.toReport(w);
  }

  private NodeCapability nodeCapability() {
    return api.client.resources(NodeCapability.class).withName(NODE).get();
  }

  /** A container process in the fake /proc: kubelet-shaped cgroup, a real executable, the host as its root. */
  private void containerProcess(long pid, String uid, String containerId, Path exe) throws IOException {
    Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(d.resolve("cgroup"), "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
        + uid.replace('-', '_') + ".slice/cri-containerd-" + containerId + ".scope\n");
    Files.writeString(d.resolve("stat"), pid + " (app) S 1 " + "0 ".repeat(17) + "100 0 0\n");
    Files.createSymbolicLink(d.resolve("exe"), exe);
    Files.createSymbolicLink(d.resolve("root"), Path.of("/"));
  }

  @Test
  void probeAnnotationIsWrittenOnceAndTheControllerReadsIt() throws Exception {
    Path exe = Path.of("/usr/bin/openssl");
    Requirements.requireFile(exe); // a dynamic openssl binary: Debian's, from package openssl
    Requirements.requireFile(LIBSSL);
    // The API server assigns the UID (the mock too); the kubelet names the cgroup after it.
    String uid = api.pod("shop", "web-5f9c7d-abcde", UID, NODE, APP, "10.1.0.5",
        Map.of(HybridMeshNames.TLS_PROBE_ANNOTATION, LIBSSL + ":SSL_write,no_such_fn")).getMetadata().getUid();
    String other = api.pod("shop", "elsewhere", "11111111-2222-3333-4444-555555555555", "node-b", "cd".repeat(32),
        "10.1.0.6", Map.of()).getMetadata().getUid();
    containerProcess(4242, uid, APP, exe);
    containerProcess(4343, other, "cd".repeat(32), exe);
    containerProcess(4444, "99999999-2222-3333-4444-555555555555", "ef".repeat(32), exe); // no pod

    PodDirectory directory = new PodDirectory();
    // The mock cannot select pods by spec.nodeName: the agent's own node check is what keeps node-b's pod out.
    watch = new ClusterWatch(api.client, NODE, directory, () -> { }, false);
    watch.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> directory.pod("shop", "web-5f9c7d-abcde").isPresent());
    assertEquals("Deployment", directory.pod("shop", "web-5f9c7d-abcde").get().ownerKind());
    assertEquals("web", directory.pod("shop", "web-5f9c7d-abcde").get().ownerName(), "ReplicaSet unreadable: trimmed");
    assertTrue(directory.pod("shop", "elsewhere").isEmpty(), "pods of other nodes are not this agent's");

    PodProbeAnnotator annotator = new PodProbeAnnotator(api.client, watch, directory, new ContainerProcesses(proc),
        new BinaryProber(proc, 64), proc, BinaryProbeOutput::entry);
    assertEquals(1, annotator.scan().size());
    assertEquals(2, annotator.unmatchedContainers());
    String value = api.annotation("shop", "web-5f9c7d-abcde", HybridMeshNames.PROBE_ANNOTATION);
    assertNotEquals(null, value);
    assertNull(api.annotation("shop", "elsewhere", HybridMeshNames.PROBE_ANNOTATION));

    PodProbes.Read parsed = PodProbes.read("web-5f9c7d-abcde", value);
    assertEquals(List.of(), parsed.problems());
    ContainerProbe app = parsed.containers().get("app");
    assertEquals("OPENSSL", app.library());
    assertEquals("DYNAMIC", app.linkage());
    assertTrue(app.targets().stream().anyMatch(t -> t.symbol().equals("SSL_write") && t.resolved()), value);
    assertTrue(app.targets().stream().anyMatch(t -> LIBSSL.toString().equals(t.file())
        && t.symbol().equals("SSL_write") && t.resolved()), "the custom target resolves: " + value);
    assertTrue(app.targets().stream().anyMatch(t -> LIBSSL.toString().equals(t.file())
        && t.symbol().equals("no_such_fn") && !t.resolved() && t.unresolvedReason() != null), value);

    // The prober's four targets and SSL_set_fd, then the knob's own SSL_write (its entry: named alone, it proves
    // no shared site).
    List<ContainerProbe.Target> all = app.targets().stream().filter(t -> t.probeOffset() != null).toList();
    assertEquals(List.of("SSL_write", "SSL_read", "SSL_write_ex", "SSL_read_ex", "SSL_set_fd", "SSL_write"),
        all.stream().map(ContainerProbe.Target::symbol).toList(), value);
    List<ContainerProbe.Target> analysed = all.subList(0, 4);
    assertTrue(all.stream().allMatch(t -> t.instruction() != null && t.cost() != null && t.site() != null),
        "each analysed target says where its probe goes and what a hit costs: " + value);
    siteAndCostReachTheReport(app, analysed);

    await().atMost(Duration.ofSeconds(10)).until(() -> value.equals(watch.annotations("shop", "web-5f9c7d-abcde")
        .map(ClusterWatch.PodAnnotations::probe).orElse(null)));
    annotator.scan();
    annotator.scan();
    assertEquals(1, annotator.patches(), "an unchanged result is not written again");
  }
}
