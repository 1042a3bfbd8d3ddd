package io.hybridmesh.cli;

import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.kernel.KernelFacts;
import io.hybridmesh.agent.kernel.KernelFactsReader;
import io.hybridmesh.agent.kernel.KernelReadiness;
import io.hybridmesh.agent.kernel.NodeProbe;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.kernel.UprobeCostCalibration;
import io.hybridmesh.agent.kubernetes.KubernetesAgent;
import io.hybridmesh.agent.kubernetes.KubernetesOptions;
import io.hybridmesh.agent.runtime.AgentStats;
import io.hybridmesh.agent.standalone.StandaloneAgent;
import io.hybridmesh.agent.standalone.StandaloneOptions;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.NativeBpf;
import io.grpc.ServerCredentials;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hmesh agent}: the node agent. Standalone mode runs on a plain Linux host, no Kubernetes; Kubernetes
 * mode runs as a DaemonSet pod (the runtime is {@link KubernetesAgent}; this class only reads flags).
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = "Observe workloads with eBPF and report their flows.")
final class AgentCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger("hmesh.agent");

  @Option(names = "--cleanup", description = "Remove every trace a previous agent left on this node (legacy TC "
      + "filters of an agent that died without a clean stop) and exit. tcx links need none: they go with "
      + "the agent's process.")
  boolean cleanup;

  @Option(names = "--standalone", description = "Run without Kubernetes: workloads are network namespaces.")
  boolean standalone;

  @Option(names = "--kubernetes",
      description = "Run as the node agent of a Kubernetes cluster: workloads are this node's pods.")
  boolean kubernetes;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubernetes mode: kubeconfig to use (default: in-cluster, then $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--heartbeat-interval", converter = DurationConverter.class,
      description = "Kubernetes mode: how often this node's NodeCapability is re-written (default: 30s).")
  Duration heartbeatInterval = Duration.ofSeconds(30);

  @Option(names = "--netns", paramLabel = "NAME",
      description = "A network namespace to watch (as in 'ip netns'); repeat for more.")
  List<String> namespaces = List.of();

  @Option(names = "--print", paramLabel = "FORMAT",
      description = "Print flows to stdout: jsonl (one JSON object per flow).")
  String print;

  @Option(names = "--serve", paramLabel = "HOST:PORT", arity = "0..1", fallbackValue = "localhost:4245",
      description = "Serve the Observer API (flows kept in memory) on this address (default localhost:4245).")
  String serve;

  @Option(names = "--tls-ca-cert-file", paramLabel = "FILE",
      description = "Serve the Observer API over TLS and accept only the relay: a client certificate this CA "
          + "signed that names " + TlsNames.RELAY_CLIENT + ". Without it the API is plaintext and unauthenticated, "
          + "for loopback use (the default address).")
  Path tlsCaCertFile;

  @Option(names = "--tls-cert-from-controller", paramLabel = "HOST:PORT",
      description = "Get the Observer API's certificate from the controller (over TLS, trusting "
          + "--tls-ca-cert-file), authenticated by --tls-token-file, and renew it before it expires.")
  String tlsCertFromController;

  @Option(names = "--tls-token-file", paramLabel = "FILE",
      description = "The projected service-account token (audience hybrid-mesh) shown to the controller "
          + "(default: ${DEFAULT-VALUE}).")
  Path tlsTokenFile = Path.of("/var/run/secrets/hybrid-mesh/token");

  @Option(names = "--tls-server-cert-file", paramLabel = "FILE",
      description = "Instead of the controller: the Observer API's certificate chain (PEM), e.g. cert-manager's "
          + "tls.crt; read again when it changes.")
  Path tlsServerCertFile;

  @Option(names = "--tls-server-key-file", paramLabel = "FILE",
      description = "The key of --tls-server-cert-file (PKCS#8 PEM, e.g. cert-manager's tls.key).")
  Path tlsServerKeyFile;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", arity = "0..1", fallbackValue = "localhost:9965",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics (default localhost:9965).")
  String metrics;

  @Option(names = "--metrics-series-limit", paramLabel = "N",
      description = "Label sets one metric may hold; more go to its _overflow series (default: ${DEFAULT-VALUE}).")
  int metricsSeriesLimit = MetricsOptions.DEFAULT.maxSeriesPerFamily();

  @Option(names = "--metrics-series-ttl", converter = DurationConverter.class,
      description = "A metric series not updated this long is dropped (default: 5m).")
  Duration metricsSeriesTtl = MetricsOptions.DEFAULT.seriesTtl();

  @Option(names = "--redact", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Redact Authorization, Cookie, Set-Cookie, Proxy-Authorization values, URL user info and "
          + "the values of query parameters named like credentials (token, password, session, key, ...) "
          + "before flows are kept or sent (default: on; --no-redact keeps them, with a warning).")
  boolean redact = true;

  @Option(names = "--redact-query", paramLabel = "MODE", arity = "0..1", fallbackValue = "all",
      description = "The other query values: keep (default), values (keys kept, values redacted) or all "
          + "(query and fragment removed; what --redact-query alone means).")
  String redactQuery = "keep";

  @Option(names = "--redact-header", paramLabel = "NAME",
      description = "One more header whose value is redacted (any case); repeat for more.")
  List<String> redactHeaders = List.of();

  @Option(names = "--stall-timeout", converter = DurationConverter.class,
      description = "An Observer API client that reads nothing this long has its stream ended (default: 30s).")
  Duration stallTimeout = ObserverService.DEFAULT_STALL_TIMEOUT;

  @Option(names = "--flow-capacity", paramLabel = "N",
      description = "Flows the Observer API keeps in memory (default: ${DEFAULT-VALUE}).")
  int flowCapacity = 16384;

  @Option(names = "--node-name", description = "Node name flows carry; in Kubernetes mode also the pods' node "
      + "(default: $NODE_NAME in Kubernetes mode, else the host name).")
  String nodeName;

  @Mixin
  DataPathFlags dataPath = new DataPathFlags();

  @Override
  public Integer call() throws Exception {
    if (cleanup) {
      return AgentCleanup.run();
    }
    if (standalone == kubernetes) {
      LOG.severe("say where the agent runs: --standalone --netns NAME (a plain host) or --kubernetes (a node).");
      return 2;
    }
    if (kubernetes && !namespaces.isEmpty()) {
      LOG.severe("--netns is for --standalone; in Kubernetes mode the pods say what to watch.");
      return 2;
    }
    if (print != null && !"jsonl".equals(print)) {
      LOG.severe("--print takes jsonl, not '" + print + "'");
      return 2;
    }
    if (print == null && serve == null && metrics == null) {
      LOG.severe("say where flows go: --serve [HOST:PORT] (the Observer API), --print jsonl, "
          + "--metrics [HOST:PORT], or several.");
      return 2;
    }
    Redaction redaction;
    MetricsOptions metricsOptions;
    try {
      redaction = new Redaction(redactionOptions());
      metricsOptions = new MetricsOptions(metricsSeriesLimit, metricsSeriesTtl);
      if (stallTimeout.isNegative() || stallTimeout.isZero()) {
        throw new IllegalArgumentException("--stall-timeout must be positive");
      }
    } catch (IllegalArgumentException e) {
      LOG.severe(e.getMessage());
      return 2;
    }
    if (!redact) {
      LOG.warning("--no-redact: Authorization and Cookie values, URL passwords and query tokens are kept in flows as "
          + "captured; anyone who can read the Observer API, the printed flows or the metrics can read them.");
    }
    if (flowCapacity < 1) {
      LOG.severe("--flow-capacity must be at least 1");
      return 2;
    }
    StandaloneOptions standaloneOptions = null;
    KubernetesOptions kubernetesOptions = null;
    try {
      TcSettings tc = dataPath.tcSettings();
      TlsHooks links = dataPath.tlsHooks();
      PlaintextMode plaintextMode = dataPath.plaintextMode();
      if (standalone) {
        standaloneOptions = new StandaloneOptions(namespaces, nodeName != null ? nodeName : hostName(), tc,
            dataPath.rescanInterval, dataPath.readTls, Map.of(), links, plaintextMode);
      } else {
        kubernetesOptions = new KubernetesOptions(nodeName != null ? nodeName : System.getenv("NODE_NAME"), tc,
            dataPath.rescanInterval, dataPath.readTls, links, plaintextMode, heartbeatInterval,
            BinaryProbeOutput::entry);
      }
    } catch (IllegalArgumentException e) {
      LOG.severe(e.getMessage());
      return 2;
    }
    String node = standalone ? standaloneOptions.nodeName() : kubernetesOptions.nodeName();

    KernelFacts facts = KernelFactsReader.read(NativeBpf::load);
    KernelReadiness.Assessment readiness = KernelReadiness.assess(facts);
    readiness.problems().forEach(LOG::warning);
    if (!readiness.canRun()) {
      return 1;
    }

    Bpf bpf = NativeBpf.load();
    // Once per start, before the data path attaches anything: what a uprobe hit costs on this node, measured
    // in this process; the probes are detached on a thread of their own while the agent starts.
    UprobeCost uprobeCost = UprobeCostCalibration.start(bpf).cost();
    LOG.info(uprobeCost.describe());
    FlowOutputs outputs;
    AgentCertificate certificate;
    ServerCredentials serveTls;
    try {
      certificate = serve == null ? null : certificate();
      serveTls = certificate == null ? null : TlsCredentials.mutual(certificate.keys(),
          Pem.certificates(Files.readString(tlsCaCertFile)), TlsNames.RELAY_CLIENT);
      outputs = FlowOutputs.open(new FlowOutputs.Settings(print != null, serve, flowCapacity, stallTimeout,
          metrics, metricsOptions, redaction, node, List::of, serveTls));
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      LOG.severe(e.getMessage());
      return 1;
    }
    AgentStats agent;
    AutoCloseable closer;
    Runnable starter;
    String what;
    try {
      if (standalone) {
        StandaloneAgent a = new StandaloneAgent(bpf, standaloneOptions, outputs.sink());
        agent = a;
        closer = a;
        starter = a::start;
        what = String.join(", ", standaloneOptions.namespaces());
      } else {
        KubernetesClient client = connect(kubeconfig);
        KubernetesAgent a = new KubernetesAgent(bpf, client, kubernetesOptions,
            new NodeProbe(bpf).probe().withUprobeCost(uprobeCost), outputs.sink());
        agent = a;
        closer = () -> {
          a.close();
          client.close();
        };
        starter = a::start;
        what = "the pods of node " + node;
      }
    } catch (IllegalArgumentException | IllegalStateException | BpfException
        | io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.severe(e.getMessage());
      outputs.close();
      return 1;
    }
    try {
      outputs.uprobeCost(uprobeCost);
      outputs.serveMetrics(agent);
    } catch (IllegalArgumentException | IllegalStateException e) {
      LOG.severe(e.getMessage());
      closeQuietly(closer);
      outputs.close();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      outputs.stopMetrics();
      closeQuietly(closer);
      outputs.close();
      // Not through the logger: java.util.logging resets itself in a shutdown hook of its own.
      System.err.println("hmesh: detached everything; " + summary(agent.counters()));
      stopped.countDown();
    }, "hmesh-agent-shutdown"));
    starter.run();
    LOG.info("observing " + what + outputs.describe() + "; Ctrl-C to stop");
    while (!stopped.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      outputs.flush();
    }
    return 0;
  }

  /** The Observer API's certificate as the TLS flags say, or null for plaintext. */
  private AgentCertificate certificate() throws IOException, InterruptedException {
    return AgentCertificate.fromFlags(tlsCaCertFile, tlsCertFromController, tlsTokenFile, tlsServerCertFile,
        tlsServerKeyFile);
  }

  /** In-cluster, $KUBECONFIG or ~/.kube/config unless a file is named; fabric8's JDK HTTP client. */
  private static KubernetesClient connect(Path kubeconfig) {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    if (!java.nio.file.Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException("--kubeconfig " + kubeconfig + " is not a readable file");
    }
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig.toFile())).build();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warning("closing: " + e.getMessage());
    }
  }

  /** The redaction the flags ask for; secret headers and user info only go with an explicit --no-redact. */
  RedactionOptions redactionOptions() {
    RedactionOptions.QueryMode query = RedactionOptions.QueryMode.parse(redactQuery);
    if (!redact) {
      return RedactionOptions.NONE.withQuery(query);
    }
    java.util.Set<String> headers = new java.util.LinkedHashSet<>(RedactionOptions.DEFAULT_SECRET_HEADERS);
    headers.addAll(redactHeaders);
    return new RedactionOptions(headers, true, true, query);
  }

  private static String summary(java.util.Map<String, Long> counters) {
    StringBuilder sb = new StringBuilder();
    counters.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return sb.toString();
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
