package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.kernel.NodeProbe;
import io.hybridmesh.agent.kubernetes.KubernetesAgent;
import io.hybridmesh.agent.kubernetes.KubernetesOptions;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.facts.PodProbes;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Requirements;
import io.hybridmesh.jni.testing.Shell;
import io.hybridmesh.jni.testing.TcPrograms;
import io.hybridmesh.jni.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes mode made real, without a cluster: a pod's network namespace with an HTTPS server whose process
 * sits in a kubelet-shaped cgroup v2 directory, the mock API server holding that pod (its container id in
 * its status) and its workload's report, and the agent in this JVM. The annotation appears, the TC programs
 * attach in the pod's namespace, flows name the pod, and flipping the report to SIDECAR detaches.
 */
@KernelTest
class KubernetesAgentKernelIT {

  private static final String NODE = "hmk8s-node";
  private static final String POD = "web-5f9c7d-abcde";
  private static final String POD_IP = "10.234.0.2";

  private final List<Path> cgroups = new ArrayList<>();
  private final List<Flow> flows = new ArrayList<>();
  private MockApi api;
  private TestNetns podNetns;
  private TestNetns peer;
  private Process server;
  private KubernetesAgent agent;
  private Path work;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory("hmk8s-it");
    api = new MockApi();
    podNetns = TestNetns.create("hmk8s-pod");
    peer = TestNetns.create("hmk8s-peer");
    TestNetns.vethPair(podNetns, "eth0", POD_IP + "/24", peer, "eth0", "10.234.0.1/24");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    for (int i = cgroups.size() - 1; i >= 0; i--) { // leaf first; empty once the server is gone
      Shell.runUnchecked(Duration.ofSeconds(5), List.of("rmdir", cgroups.get(i).toString()));
    }
    podNetns.close();
    peer.close();
    api.close();
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
  }

  /**
   * Where cgroup v2 is mounted read-write: /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid
   * one, or where scripts/prepare-kernel.sh mounted it.
   */
  private static Path cgroup2() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
        .filter(f -> f.length > 3 && f[2].equals("cgroup2") && f[3].startsWith("rw"))
        .map(f -> Path.of(f[1])).findFirst().orElse(null);
  }

  @Test
  void annotatesAttachesNamesFlowsAndDetachesWhenTheReportChanges() throws Exception {
    Path root = cgroup2();
    Requirements.require(root != null && Files.isWritable(root),
        "needs a writable cgroup v2 mount; scripts/prepare-kernel.sh mounts one");
    String containerId = HexFormat.of().formatHex(randomBytes(32));
    String uid = api.pod("shop", POD, null, NODE, containerId, POD_IP, Map.of()).getMetadata().getUid();
    api.report("shop", "web", "EBPF");

    Path slice = root.resolve("kubepods.slice");
    Path podSlice = slice.resolve("kubepods-pod" + uid.replace('-', '_') + ".slice");
    Path scope = podSlice.resolve("cri-containerd-" + containerId + ".scope");
    for (Path p : List.of(slice, podSlice, scope)) {
      if (!Files.isDirectory(p)) {
        Files.createDirectory(p);
        cgroups.add(p);
      }
    }
    Shell.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=web", "-days", "1",
        "-keyout", work.resolve("key.pem").toString(), "-out", work.resolve("cert.pem").toString());
    server = new ProcessBuilder("ip", "netns", "exec", podNetns.name(), "openssl", "s_server", "-accept",
        POD_IP + ":8443", "-www", "-cert", work.resolve("cert.pem").toString(), "-key",
        work.resolve("key.pem").toString()).redirectErrorStream(true)
        .redirectOutput(work.resolve("server.log").toFile()).start();
    Files.writeString(scope.resolve("cgroup.procs"), Long.toString(server.pid()));

    var bpf = NativeBpf.load();
    KubernetesOptions options = new KubernetesOptions(NODE, new TcSettings(1 << 20, 4096, Duration.ofSeconds(1),
        Duration.ofMinutes(10), Duration.ofSeconds(30)), Duration.ofSeconds(1), true, TlsHooks.AUTO,
        PlaintextMode.AUTO, Duration.ofSeconds(30),
        BinaryProbeOutput::entry);
    agent = new KubernetesAgent(bpf, api.client, options, new NodeProbe(bpf).probe(), sink(), false);
    agent.start();

    await().atMost(Duration.ofSeconds(30)).until(() -> api.annotation("shop", POD,
        HybridMeshNames.PROBE_ANNOTATION) != null);
    var parsed = PodProbes.read(POD, api.annotation("shop", POD, HybridMeshNames.PROBE_ANNOTATION));
    assertTrue(parsed.problems().isEmpty(), parsed.problems().toString());
    assertTrue(parsed.containers().containsKey("app"), parsed.containers().toString());

    await().atMost(Duration.ofSeconds(30)).until(() -> tcFilters().contains("hm_tc"));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      peer.exec("sh", "-c", "curl -sk -o /dev/null https://" + POD_IP + ":8443/ || true");
      return flowsNaming(POD) > 0;
    });
    Flow f = firstFlowNaming(POD);
    Endpoint pod = f.getSource().getPodName().equals(POD) ? f.getSource() : f.getDestination();
    assertTrue(pod.getNamespace().equals("shop"), f.toString());
    assertTrue(pod.getWorkloadsList().stream().anyMatch(w -> w.getName().equals("web")
        && w.getKind().equals("Deployment")), f.toString());
    assertTrue(pod.getLabelsList().contains("k8s:app=web"), f.toString());
    // What the pod's connections began with, judged by the TC programs: TLS, on its port 8443.
    await().atMost(Duration.ofSeconds(30)).until(() -> "in/8443=tls".equals(api.annotation("shop", POD,
        HybridMeshNames.OBSERVED_PORTS_ANNOTATION)));

    // The agent reads plaintext at the sockets (--plaintext auto) and its NodeCapability says so.
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var capability = api.client.resources(io.hybridmesh.api.v1alpha1.NodeCapability.class).withName(NODE).get();
      return capability != null && capability.getSpec().getFeatures().contains("PLAINTEXT_SOCKET");
    });

    api.report("shop", "web", "SIDECAR");
    await().atMost(Duration.ofSeconds(30)).until(() -> !tcFilters().contains("hm_tc"));
    assertTrue(agent.observedPods().isEmpty());
    assertFalse(agent.counters().isEmpty());
  }

  private String tcFilters() {
    return String.join(" ", TcPrograms.on(podNetns.path(), "eth0", io.hybridmesh.jni.TcHook.Direction.EGRESS));
  }

  private FlowSink sink() {
    return new FlowSink() {
      @Override
      public void accept(Flow flow) {
        synchronized (flows) {
          flows.add(flow);
        }
      }

      @Override
      public void lost(LostEvent lost) {}
    };
  }

  private long flowsNaming(String pod) {
    synchronized (flows) {
      return flows.stream().filter(f -> f.getSource().getPodName().equals(pod)
          || f.getDestination().getPodName().equals(pod)).count();
    }
  }

  private Flow firstFlowNaming(String pod) {
    synchronized (flows) {
      return flows.stream().filter(f -> f.getSource().getPodName().equals(pod)
          || f.getDestination().getPodName().equals(pod)).findFirst().orElseThrow();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
