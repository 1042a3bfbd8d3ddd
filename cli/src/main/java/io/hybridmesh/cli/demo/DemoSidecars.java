package io.hybridmesh.cli.demo;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.cli.SidecarFlows;
import io.hybridmesh.xds.als.SidecarDirectory;
import io.hybridmesh.xds.als.SidecarFlowSink;
import io.hybridmesh.xds.als.SidecarIdentity;
import io.hybridmesh.xds.bootstrap.BootstrapSettings;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.model.InboundPort;
import io.hybridmesh.xds.model.Protocol;
import io.hybridmesh.xds.model.SidecarWorkload;
import io.hybridmesh.xds.server.PublishReport;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.server.SidecarRejections;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.auth.TokenPolicy;
import io.hybridmesh.xds.auth.TokenReviewer;
import io.hybridmesh.xds.server.XdsServer;
import io.hybridmesh.xds.translate.TranslatorSettings;
import io.hybridmesh.xds.validate.ConfigProblem;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The sidecar path of the demo: the xDS server with a snapshot for each sidecar-mode workload, the
 * access-log receiver feeding the same flow outputs as the eBPF data path, and a bootstrap file per
 * workload. With an {@code envoy} binary on the PATH, it also starts that Envoy in the workload's
 * namespace with the inbound capture rule; without one, the bootstrap says how a person would.
 */
final class DemoSidecars implements AutoCloseable {

  private final Path dir;
  private final String nodeName;
  private final FlowSink sink;
  private final PrintStream err;
  private final Map<String, SidecarIdentity> identities = new LinkedHashMap<>();
  private final List<Process> envoys = new ArrayList<>();
  private XdsServer server;

  DemoSidecars(Path dir, String nodeName, FlowSink sink, PrintStream err) {
    this.dir = dir;
    this.nodeName = nodeName;
    this.sink = sink;
    this.err = err;
  }

  /**
   * Serves xDS and access logs on {@code address} (for people and their tools) and on the hub's address
   * (the only one a sidecar inside a workload's namespace can reach), and publishes each workload.
   */
  void start(InetSocketAddress address, Map<String, Integer> workloadsWithPort) {
    InetSocketAddress hub = new InetSocketAddress(DemoNetwork.HOST_ADDRESS, address.getPort());
    workloadsWithPort.keySet().forEach(w -> identities.put(nodeId(w), new SidecarIdentity(DemoReports.NAMESPACE, w,
        w, DemoReports.KIND, nodeName, List.of(DemoWorkloads.ADDRESSES.get(w)))));
    SidecarDirectory directory = id -> Optional.ofNullable(identities.get(id));
    SidecarFlowSink flows = SidecarFlows.into(sink);
    SidecarRejections rejections = r -> err.println("hmesh demo: the sidecar " + r.nodeId() + " rejected its "
        + r.typeUrl().substring(r.typeUrl().lastIndexOf('.') + 1) + " version " + r.version() + ": " + r.message());
    try {
      server = new XdsServer(List.of(address, hub), TranslatorSettings.DEFAULTS,
          group -> bootstrap(group.workload(), hub.getPort()), rejections,
          // A sidecar must call from its namespace's address; loopback is the operator's own tools on this
          // host (hmesh observe's neighbours, DemoKernelIT's stand-in Envoy), trusted as the demo is theirs.
          new SidecarAuthenticator(directory, TokenReviewer.NONE, TokenPolicy.IGNORE, true, new AuthCounters()),
          flows).start();
    } catch (IOException | RuntimeException e) {
      throw new DemoException("cannot serve xDS and access logs on " + address.getHostString() + ":"
          + address.getPort() + " (" + e.getMessage() + "); pick another port with --xds HOST:PORT, or --xds none");
    }
    List<SidecarWorkload> published = new ArrayList<>();
    workloadsWithPort.forEach((w, port) -> published.add(workload(w, port)));
    PublishReport report = server.snapshots().publish(published);
    report.invalid().forEach((group, problems) -> err.println("hmesh demo: the sidecar configuration of "
        + group + " is invalid and was not published: " + problems.stream().map(ConfigProblem::message)
        .collect(Collectors.joining("; "))));
    workloadsWithPort.forEach((w, port) -> sidecar(w, port, hub.getPort()));
  }

  private void sidecar(String workload, int port, int xdsPort) {
    Path bootstrap = dir.resolve(workload).resolve("envoy-bootstrap.yaml");
    String yaml = SidecarBootstrap.toYaml(bootstrap(workload, xdsPort));
    try {
      Files.writeString(bootstrap, yaml);
    } catch (IOException e) {
      throw new DemoException("cannot write " + bootstrap + ": " + e.getMessage());
    }
    Optional<Path> envoy = onPath("envoy");
    if (envoy.isEmpty()) {
      err.println("hmesh demo: demo/" + workload + " is served over xDS (node " + nodeId(workload)
          + "); no envoy binary on the PATH, so no sidecar runs. With one: ip netns exec "
          + DemoNetwork.netns(workload) + " envoy -c " + bootstrap);
      return;
    }
    // Inbound capture as the injected init container does it: what arrives for the app's port goes to
    // Envoy's virtualInbound listener, which passes it on to the original destination.
    Run.check("ip", "netns", "exec", DemoNetwork.netns(workload), "iptables", "-t", "nat", "-A", "PREROUTING",
        "-p", "tcp", "--dport", Integer.toString(port), "-j", "REDIRECT", "--to-ports",
        Integer.toString(TranslatorSettings.DEFAULTS.inboundPort()));
    envoys.add(Run.inNamespace(DemoNetwork.netns(workload), dir.resolve(workload).resolve("envoy.log"),
        List.of(envoy.get().toString(), "-c", bootstrap.toString(), "--base-id", Integer.toString(envoys.size() + 7))));
    err.println("hmesh demo: started Envoy for demo/" + workload + " (" + envoy.get() + "), configured over xDS");
  }

  /** The mesh model of one demo workload: its address, and its port passed through as TCP. */
  static SidecarWorkload workload(String workload, int port) {
    return new SidecarWorkload(DemoReports.NAMESPACE, workload, List.of(DemoWorkloads.ADDRESSES.get(workload)),
        List.of(new InboundPort(port, Protocol.TCP)), List.of());
  }

  /**
   * What the workload's Envoy starts from, and what its snapshot is checked against: both clusters at the
   * hub's address, the only one a sidecar inside the workload's namespace can reach.
   */
  static Bootstrap bootstrap(String workload, int xdsPort) {
    return SidecarBootstrap.build(BootstrapSettings.oneServer(DemoNetwork.HOST_ADDRESS, xdsPort), workload,
        DemoReports.NAMESPACE, workload);
  }

  static String nodeId(String workload) {
    return SidecarGroup.nodeId(workload, DemoReports.NAMESPACE);
  }

  private static Optional<Path> onPath(String binary) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, binary);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    envoys.forEach(Process::destroy);
    envoys.clear();
    if (server != null) {
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }
}
