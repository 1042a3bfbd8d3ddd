package io.hybridmesh.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.controller.ControllerSettings;
import io.hybridmesh.controller.HmeshOperator;
import io.hybridmesh.controller.KubeClients;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.xds.auth.TokenPolicy;
import io.hybridmesh.xds.auth.TokenReview;
import java.util.List;
import java.nio.file.Path;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import io.hybridmesh.cli.ui.UiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hmesh controller}: reconciles opted-in workloads until stopped (SIGTERM or SIGINT). */
@Command(
    name = "controller",
    mixinStandardHelpOptions = true,
    description = {"Run the Kubernetes controller: decide eBPF or sidecar for every workload in namespaces "
        + "labelled hybridmesh.io/enabled=true, write its WorkloadCapability, inject or remove the sidecar. "
        + "Needs the CRDs in crds/ installed."})
final class ControllerCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger("hmesh.controller");
  private static final SidecarConfig D = SidecarConfig.defaults();

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use (default: in-cluster, then $KUBECONFIG, then ~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--default-fallback", defaultValue = "sidecar", paramLabel = "sidecar|none",
      description = "What a workload the kernel cannot read gets without hybridmesh.io/fallback (default: ${DEFAULT-VALUE}).")
  String defaultFallback;

  @Option(names = "--lease-name", defaultValue = "hmesh-controller", description = "Leader-election Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--lease-namespace", description = "Namespace of the Lease (default: the client's namespace).")
  String leaseNamespace;

  @Option(names = "--no-leader-election", description = "Run without a Lease (a single replica only).")
  boolean noLeaderElection;

  @Option(names = "--proxy-image", description = "Envoy image of the sidecar (default: ${DEFAULT-VALUE}).")
  String proxyImage = D.proxyImage();

  @Option(names = "--init-image", description = "Image with sh and iptables for traffic capture (default: ${DEFAULT-VALUE}).")
  String initImage = D.initImage();

  @Option(names = "--proxy-uid", description = "uid Envoy runs as; its traffic is not captured (default: ${DEFAULT-VALUE}).")
  long proxyUid = D.proxyUid();

  @Option(names = "--xds-host", description = "The controller's xDS Service as pods resolve it (default: ${DEFAULT-VALUE}).")
  String xdsHost = D.xdsHost();

  @Option(names = "--xds-port", description = "xDS port (default: ${DEFAULT-VALUE}).")
  int xdsPort = D.xdsPort();

  @Option(names = "--proxy-cpu", description = "Sidecar CPU request (default: ${DEFAULT-VALUE}).")
  String proxyCpu = D.cpuRequest();

  @Option(names = "--proxy-memory", description = "Sidecar memory request (default: ${DEFAULT-VALUE}).")
  String proxyMemory = D.memoryRequest();

  @Option(names = "--proxy-cpu-limit", description = "Sidecar CPU limit (default: none).")
  String proxyCpuLimit = D.cpuLimit();

  @Option(names = "--proxy-memory-limit", description = "Sidecar memory limit (default: ${DEFAULT-VALUE}).")
  String proxyMemoryLimit = D.memoryLimit();

  @Option(names = "--xds", paramLabel = "HOST:PORT",
      description = "Serve xDS and Envoy access logs for the sidecars here, or 'none' (default: ${DEFAULT-VALUE}).")
  String xds = "0.0.0.0:18000";

  @Option(names = "--relay", paramLabel = "HOST:PORT",
      description = "Serve the relay (one Observer API over every agent and the sidecars), or 'none'"
          + " (default: ${DEFAULT-VALUE}).")
  String relay = "0.0.0.0:4245";

  @Option(names = "--agent-service", paramLabel = "NAME",
      description = "The agents' headless Service; the relay finds them through its EndpointSlices"
          + " (default: ${DEFAULT-VALUE}).")
  String agentService = "hybrid-mesh-agent";

  @Option(names = "--agent-namespace", paramLabel = "NS",
      description = "Namespace of the agents' Service (default: the Lease namespace, else the client's).")
  String agentNamespace;

  @Option(names = "--agent-port", description = "The agents' Observer API port (default: ${DEFAULT-VALUE}).")
  int agentPort = 4245;

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics of the sidecar path here, or 'none' (default: ${DEFAULT-VALUE}).")
  String metrics = "none";

  @Option(names = "--ui", paramLabel = "HOST:PORT",
      description = "Serve the browser UI (hmesh ui) over the relay here, or 'none' (default: ${DEFAULT-VALUE}).")
  String ui = "none";

  @Option(names = "--sidecar-token", paramLabel = "required|if-present|ignore",
      description = "Sidecar streams always come from their pod's address; required: they must also present a "
          + "service-account token (audience hybrid-mesh) of their pod's account; if-present: one that comes is "
          + "checked (default: ${DEFAULT-VALUE}).")
  String sidecarToken = "if-present";

  @Option(names = "--tls", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "TLS on the relay, xDS and access logs, and towards the agents, from a CA the controller keeps "
          + "in Secret " + TlsNames.CA_SECRET + " of its namespace (default: on; --no-tls: all plaintext).")
  boolean tls = true;

  @Option(names = "--tls-server-name", paramLabel = "NAME",
      description = "A DNS name the controller's certificate carries; repeat for more (default: the names of "
          + "--xds-host's Service: NAME, NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local).")
  List<String> tlsServerNames = List.of();

  @Option(names = "--cert-lifetime", converter = DurationConverter.class,
      description = "Lifetime of the certificates the controller issues, renewed at two thirds of it (default: 24h).")
  Duration certLifetime = Duration.ofHours(24);

  @Option(names = "--agent-service-account", paramLabel = "NAME",
      description = "The agents' service account, in the agents' namespace: the only one given agent "
          + "certificates (default: ${DEFAULT-VALUE}).")
  String agentServiceAccount = "hybrid-mesh-agent";

  @Option(names = "--agent-server-name", paramLabel = "NAME",
      description = "The name the agents' certificates carry when they share one (cert-manager): the relay checks "
          + "that name instead of each agent's address (default: each agent's address).")
  String agentServerName;

  @Option(names = "--token-exchange", paramLabel = "HOST:PORT",
      description = "Serve the token exchange (HTTPS, RFC 8693) through which injected sidecars present their pod's "
          + "projected service-account token on xDS and access-log streams, and inject them so; or 'none' "
          + "(default: ${DEFAULT-VALUE}). Needs TLS; pair it with --sidecar-token required.")
  String tokenExchange = "none";

  @Option(names = "--flow-capacity", paramLabel = "N",
      description = "Sidecar flows kept for the relay (default: ${DEFAULT-VALUE}).")
  int flowCapacity = 65536;

  private static InetSocketAddress address(String flag, String value) {
    if ("none".equals(value)) {
      return null;
    }
    try {
      return new InetSocketAddress(FlowOutputs.host(value), FlowOutputs.port(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " takes HOST:PORT or none, not '" + value + "'");
    }
  }

  /** A Service's DNS names from one of them ({@code NAME.NS.svc...}); any other host as it is. */
  static List<String> serviceNames(String host) {
    String[] parts = host.split("\\.");
    if (parts.length >= 3 && parts[2].equals("svc")) {
      String name = parts[0];
      String ns = parts[1];
      return List.of(name, name + "." + ns, name + "." + ns + ".svc", name + "." + ns + ".svc.cluster.local");
    }
    return List.of(host);
  }

  @Override
  public Integer call() throws InterruptedException {
    Fallback fallback;
    switch (defaultFallback) {
      case "sidecar" -> fallback = Fallback.SIDECAR;
      case "none" -> fallback = Fallback.NONE;
      default -> {
        LOG.severe("--default-fallback takes sidecar or none, not '" + defaultFallback + "'");
        return 2;
      }
    }
    SidecarConfig sidecar = new SidecarConfig(proxyImage, initImage, proxyUid, xdsHost, xdsPort, D.outboundPort(),
        D.inboundPort(), D.adminPort(), proxyCpu, proxyMemory, proxyCpuLimit, proxyMemoryLimit);
    KubernetesClient client;
    try {
      client = KubeClients.connect(kubeconfig);
    } catch (RuntimeException e) {
      LOG.severe(e.getMessage());
      return 2;
    }
    if (!"none".equals(ui) && "none".equals(relay)) {
      LOG.severe("--ui shows the relay's flows and reports; it needs --relay");
      client.close();
      return 2;
    }
    ControllerRuntime runtime = new ControllerRuntime();
    UiServer[] uiServer = {null};
    try {
      String ns = agentNamespace != null ? agentNamespace
          : leaseNamespace != null ? leaseNamespace : client.getNamespace() != null ? client.getNamespace() : "default";
      String own = leaseNamespace != null ? leaseNamespace
          : client.getNamespace() != null ? client.getNamespace() : "default";
      ControllerRuntime.Tls tlsSettings = !tls ? null : new ControllerRuntime.Tls(own,
          tlsServerNames.isEmpty() ? serviceNames(xdsHost) : tlsServerNames, certLifetime,
          TokenReview.serviceAccountUser(ns, agentServiceAccount), agentServerName,
          address("--token-exchange", tokenExchange));
      if (!tls && !"none".equals(tokenExchange)) {
        throw new IllegalArgumentException("--token-exchange needs TLS: a token travels encrypted or not at all");
      }
      runtime.start(client, new ControllerRuntime.Settings(address("--xds", xds), address("--relay", relay),
          address("--metrics", metrics), ns, agentService, agentPort, flowCapacity, sidecar,
          TokenPolicy.parse(sidecarToken), tlsSettings));
      if (!"none".equals(ui)) {
        // In process: the relay may be TLS-only (the default in a cluster), which the UI need not speak to itself.
        uiServer[0] = UiServer.open(ui, runtime.relayChannel(), "the relay", System.err);
      }
    } catch (IOException | IllegalArgumentException | IllegalStateException
        | io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.severe("cannot start the controller's servers: " + e.getMessage());
      runtime.close();
      client.close();
      return 1;
    }
    // The sidecar as injected carries the CA its bootstrap trusts, so the operator starts after the runtime.
    ControllerSettings settings = new ControllerSettings(fallback, runtime.sidecar(),
        noLeaderElection ? null : leaseName, leaseNamespace, true, Duration.ofSeconds(1), Duration.ofMinutes(1));
    CountDownLatch stopped = new CountDownLatch(1);
    HmeshOperator operator = HmeshOperator.start(client, settings, runtime.rejections());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // Stopping gives up the Lease, and JOSDK exits the process when a leader stops leading; inside a
      // shutdown hook that exit would wait forever, so the stop gets a few seconds and the JVM goes on exiting.
      Thread stop = new Thread(() -> {
        if (uiServer[0] != null) {
          uiServer[0].close();
        }
        runtime.close();
        operator.close();
        client.close();
      }, "hmesh-controller-close");
      stop.setDaemon(true);
      stop.start();
      try {
        stop.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }, "hmesh-controller-stop"));
    LOG.info("controller started against " + client.getMasterUrl()
        + ("none".equals(xds) ? "" : "; xDS and access logs on " + xds)
        + ("none".equals(relay) ? "" : "; relay on " + relay)
        + (uiServer[0] == null ? "" : "; browser UI on " + ui)
        + (tls ? " (TLS, CA in Secret " + TlsNames.CA_SECRET + ", certificates for "
            + String.join(", ", tlsServerNames.isEmpty() ? serviceNames(xdsHost) : tlsServerNames) + ")"
            : " (plaintext: --no-tls)")
        + (noLeaderElection ? " (no leader election)" : " (Lease " + leaseName + ")"));
    stopped.await();
    return 0;
  }
}
