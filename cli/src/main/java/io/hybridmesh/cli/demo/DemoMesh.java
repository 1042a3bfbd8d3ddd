package io.hybridmesh.cli.demo;

import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import java.util.EnumSet;
import java.util.Set;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.kernel.KernelFacts;
import io.hybridmesh.agent.kernel.KernelFactsReader;
import io.hybridmesh.agent.kernel.KernelReadiness;
import io.hybridmesh.agent.kernel.NodeProbe;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.kernel.UprobeCostCalibration;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.cli.FlowOutputs;
import io.hybridmesh.cli.ui.UiServer;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.standalone.StandaloneAgent;
import io.hybridmesh.agent.standalone.StandaloneOptions;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code hmesh demo}: builds the demo's network and workloads, decides each workload's data path as the
 * controller would, attaches the eBPF data path where it was chosen and serves the Observer API; {@link
 * #close()} takes all of it down again, in the reverse order, whatever stage the start reached.
 */
public final class DemoMesh implements AutoCloseable {

  private final Path dir;
  private final String serverAddress;
  private final String metricsAddress;
  private final InetSocketAddress xdsAddress;
  private final String uiAddress;
  private final int flowCapacity;
  private final double pause;
  private final PrintStream out;
  private final PrintStream err;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final DemoNetwork network = new DemoNetwork();
  private final DemoWorkloads workloads;
  private final List<DemoReports.Outcome> outcomes = new ArrayList<>();
  private DemoLock lock;
  private StandaloneAgent agent;
  private FlowOutputs outputs;
  private DemoSidecars sidecars;
  private UiServer ui;

  /**
   * @param metricsAddress HOST:PORT for Prometheus metrics, or null for none
   * @param uiAddress HOST:PORT for the browser UI, or null for none
   */
  public DemoMesh(Path dir, String serverAddress, String metricsAddress, InetSocketAddress xdsAddress,
      String uiAddress, int flowCapacity, double pause, PrintStream out, PrintStream err) {
    this.xdsAddress = xdsAddress;
    this.uiAddress = uiAddress;
    this.dir = dir;
    this.serverAddress = serverAddress;
    this.metricsAddress = metricsAddress;
    this.flowCapacity = flowCapacity;
    this.pause = pause;
    this.out = out;
    this.err = err;
    this.workloads = new DemoWorkloads(dir);
  }

  public void start() {
    lock = DemoLock.acquire(Path.of(dir + ".lock"));
    List<String> leftovers = DemoNetwork.removeLeftovers();
    if (!leftovers.isEmpty()) {
      err.println("hmesh demo: removed what an earlier run left behind: " + String.join(", ", leftovers));
    }
    deleteTree(dir);
    KernelFacts facts = KernelFactsReader.read(NativeBpf::load);
    KernelReadiness.Assessment readiness = KernelReadiness.assess(facts);
    readiness.problems().forEach(p -> err.println("hmesh demo: " + p));
    if (!readiness.canRun()) {
      throw new DemoException("this kernel cannot run the eBPF data path; see above");
    }
    Bpf bpf = NativeBpf.load();
    String nodeName = hostName();
    NodeReport node = new NodeProbe(bpf).probe();
    NodeFacts nodeFacts = new NodeFacts(nodeName, node.release(), withPlaintext(node.supported()), false,
        DemoReports.pairCost(measureUprobeCost(bpf)));

    network.createHub();
    DemoWorkloads.ADDRESSES.forEach(network::addWorkload);
    err.println("hmesh demo: starting frontend (python3, OpenSSL), backend (nginx, OpenSSL) and payments"
        + " (Java, JSSE) in network namespaces " + DemoNetwork.PREFIX + "*");
    workloads.start(pause);

    BinaryProber prober = new BinaryProber();
    outcomes.add(DemoReports.decide(DemoWorkloads.FRONTEND, workloads.pid(DemoWorkloads.FRONTEND), "python3",
        nodeFacts, prober));
    outcomes.add(DemoReports.decide(DemoWorkloads.BACKEND, workloads.pid(DemoWorkloads.BACKEND), "nginx",
        nodeFacts, prober));
    outcomes.add(DemoReports.decide(DemoWorkloads.PAYMENTS, workloads.pid(DemoWorkloads.PAYMENTS), "java",
        nodeFacts, prober));
    List<WorkloadReport> reports = outcomes.stream().map(DemoReports.Outcome::report).toList();

    outputs = FlowOutputs.open(new FlowOutputs.Settings(false, serverAddress, flowCapacity,
        ObserverService.DEFAULT_STALL_TIMEOUT, metricsAddress, MetricsOptions.DEFAULT,
        new Redaction(RedactionOptions.DEFAULT), nodeName, () -> reports));
    attach(bpf, nodeName, outputs.sink());
    outputs.serveMetrics(agent);
    if (xdsAddress != null) {
      Map<String, Integer> sidecarWorkloads = new LinkedHashMap<>();
      outcomes.stream().filter(o -> o.report().getDataPath() == WorkloadDataPath.SIDECAR)
          .forEach(o -> sidecarWorkloads.put(o.workload(), DemoWorkloads.SERVING_PORTS.getOrDefault(o.workload(), 0)));
      sidecarWorkloads.values().removeIf(port -> port == 0);
      sidecars = new DemoSidecars(dir, nodeName, outputs.sink(), err);
      sidecars.start(xdsAddress, sidecarWorkloads);
    }
    startUi();
    printWelcome(reports);
  }

  /** The browser UI over the demo's own Observer API; the demo goes on without it when its port is taken. */
  private void startUi() {
    if (uiAddress == null) {
      return;
    }
    try {
      ui = UiServer.open(uiAddress, serverAddress, err);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("hmesh demo: no browser UI: " + e.getMessage() + " (--ui HOST:PORT, or --ui none)");
    }
  }

  /**
   * The node's features as its agent will report them: the demo's agent reads plaintext at the socket
   * ({@code --plaintext auto}) where its programs load, which needs BTF and task BTF. Decided before the agent
   * starts (the decisions say which namespaces it watches), so judged from the kernel's features.
   */
  private static Set<KernelFeature> withPlaintext(Set<KernelFeature> supported) {
    Set<KernelFeature> out = EnumSet.noneOf(KernelFeature.class);
    out.addAll(supported);
    if (supported.containsAll(List.of(KernelFeature.BTF, KernelFeature.TASK_BTF))) {
      out.add(KernelFeature.PLAINTEXT_SOCKET);
    }
    return out;
  }

  /**
   * What a uprobe hit costs here, measured once as the agent does at start (tens of milliseconds; the
   * calibration probes are detached on a thread of their own), so the reports can state the CPU each TLS call
   * pays. Never stops the demo: anything that goes wrong is "not measured" with the reason.
   */
  private UprobeCost measureUprobeCost(Bpf bpf) {
    UprobeCost cost;
    try {
      cost = UprobeCostCalibration.start(bpf).cost();
    } catch (RuntimeException | LinkageError e) {
      cost = UprobeCost.notMeasured("the calibration failed: " + e, System.getProperty("os.version"),
          java.time.Instant.now(), 0);
    }
    err.println("hmesh demo: " + cost.describe());
    return cost;
  }

  /** The eBPF data path on the workloads that were given it; the others are named by address only. */
  private void attach(Bpf bpf, String nodeName, FlowSink sink) {
    Map<String, Endpoint> identities = new LinkedHashMap<>();
    List<String> watched = new ArrayList<>();
    for (DemoReports.Outcome o : outcomes) {
      identities.put(DemoNetwork.netns(o.workload()), endpoint(o.workload()));
      if (o.ebpf()) {
        watched.add(DemoNetwork.netns(o.workload()));
      }
    }
    if (watched.isEmpty()) {
      throw new DemoException("no workload was given the eBPF data path; see the report above");
    }
    TcSettings tc = new TcSettings(16 << 20, 65536, Duration.ofSeconds(5), Duration.ofMinutes(10),
        Duration.ofSeconds(30));
    agent = new StandaloneAgent(bpf, new StandaloneOptions(watched, nodeName, tc, Duration.ofSeconds(2), true,
        identities, TlsHooks.AUTO, PlaintextMode.AUTO), sink);
    if (!agent.readsPlaintext()) {
      err.println("hmesh demo: the agent cannot read plaintext HTTP at the sockets here, although the report "
          + "says it does (see the agent's warning above)");
    }
    for (DemoReports.Outcome o : outcomes) {
      if (!o.ebpf()) {
        agent.endpoints().addPeer(address(DemoWorkloads.ADDRESSES.get(o.workload())), endpoint(o.workload()));
      }
    }
    agent.start();
  }

  private static Endpoint endpoint(String workload) {
    return Endpoint.newBuilder().setNamespace(DemoReports.NAMESPACE).setPodName(workload)
        .addLabels("demo:app=" + workload)
        .addWorkloads(Workload.newBuilder().setName(workload).setKind(DemoReports.KIND)).build();
  }

  private void printWelcome(List<WorkloadReport> reports) {
    out.println("Capability reports (hmesh report shows them again, hmesh report demo/NAME in full):");
    io.hybridmesh.cli.ReportPrinter.table(reports, out);
    out.println();
    out.println("The eBPF data path is attached to " + String.join(", ", outcomes.stream()
        .filter(DemoReports.Outcome::ebpf).map(o -> "demo/" + o.workload()).toList())
        + "; traffic is flowing" + outputs.describe() + (xdsAddress == null ? "" : "; xDS and access logs on "
        + xdsAddress.getHostString() + ":" + xdsAddress.getPort() + " (plaintext; a sidecar is checked by its "
        + "namespace's address)") + ".");
    if (ui != null) {
      out.println("Browser UI (service map, reports, live flows): " + ui.url());
    }
    out.println("In another terminal:");
    out.println("  ./hmesh observe -f                                # every flow as it happens");
    out.println("  ./hmesh observe --type l7 -o json --last 20       # HTTP read inside TLS");
    out.println("  ./hmesh observe --http-status 5+ --last 10        # failing requests");
    out.println("  ./hmesh report demo/payments                       # why payments got a sidecar");
    out.println("Ctrl-C stops the demo and removes everything it made.");
    out.flush();
  }

  /** Takes everything down; safe at any stage of {@link #start()} and more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || lock == null) {
      return;
    }
    List<String> problems = new ArrayList<>();
    step(problems, "stop the browser UI", a -> {
      if (ui != null) {
        ui.close();
      }
    });
    step(problems, "stop the xDS server", a -> {
      if (sidecars != null) {
        sidecars.close();
      }
    });
    step(problems, "stop the metrics endpoint", a -> {
      if (outputs != null) {
        outputs.stopMetrics();
      }
    });
    step(problems, "stop the agent", a -> {
      if (agent != null) {
        agent.close();
      }
    });
    step(problems, "stop the Observer API", a -> {
      if (outputs != null) {
        outputs.close();
      }
    });
    step(problems, "stop the workloads", a -> workloads.close());
    step(problems, "delete the network namespaces", a -> {
      List<String> left = network.delete();
      if (!left.isEmpty()) {
        throw new DemoException("still there: " + left);
      }
    });
    step(problems, "delete " + dir, a -> deleteTree(dir));
    // Not through java.util.logging: it resets itself in a shutdown hook of its own.
    err.println(problems.isEmpty()
        ? "hmesh demo: stopped; removed its namespaces, programs, probes and files"
        : "hmesh demo: stopped, but could not " + String.join("; ", problems));
    lock.close();
  }

  private static void step(List<String> problems, String what, Consumer<Void> action) {
    try {
      action.accept(null);
    } catch (RuntimeException e) {
      problems.add(what + " (" + e.getMessage() + ")");
    }
  }

  private static byte[] address(String ip) {
    return IpAddress.parse(ip).bytes();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new DemoException("cannot delete " + root + ": " + e.getMessage());
    }
  }

  /** Whether this process runs with root's effective uid. */
  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
