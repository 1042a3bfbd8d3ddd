package io.hybridmesh.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.hybridmesh.agent.AgentVersion;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.TeeSink;
import io.hybridmesh.agent.metrics.FlowMetrics;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.agent.metrics.MetricsServer;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.agent.redact.RedactingSink;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.tls.Pem;
import io.hybridmesh.api.tls.TlsCredentials;
import io.hybridmesh.api.tls.TlsNames;
import io.hybridmesh.controller.mesh.AgentPeers;
import io.hybridmesh.controller.mesh.SidecarPublisher;
import io.hybridmesh.controller.mesh.SidecarRejectionStore;
import io.hybridmesh.controller.relay.Peer;
import io.hybridmesh.controller.relay.RelayService;
import io.hybridmesh.controller.report.ClusterWorkloadReports;
import io.hybridmesh.controller.security.AgentCertificates;
import io.hybridmesh.controller.security.CaSecretStore;
import io.hybridmesh.controller.security.CertificateAuthority;
import io.hybridmesh.controller.security.KubeTokenReviewer;
import io.hybridmesh.controller.security.RotatingCertificate;
import io.hybridmesh.controller.security.TokenExchange;
import io.hybridmesh.controller.security.TokenExchangeServer;
import io.hybridmesh.controller.sidecar.SidecarConfig;
import io.hybridmesh.controller.sidecar.SidecarInjector;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.CachingTokenReviewer;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.auth.TokenPolicy;
import io.hybridmesh.xds.bootstrap.SidecarBootstrap;
import io.hybridmesh.xds.server.XdsServer;
import io.hybridmesh.xds.translate.TranslatorSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@code hmesh controller} serves besides reconciling: the xDS server and access-log receiver for the
 * sidecars (one port), the publisher that keeps their configuration in step with the cluster, and the
 * relay: one Observer API over every node's agent and the sidecars' flows. Each part is optional; {@link
 * #close()} stops what was started, in reverse.
 */
final class ControllerRuntime implements AutoCloseable {

  /** The in-process name of the sidecars' own flow store, one of the relay's peers. */
  static final String SIDECAR_FLOWS = "hmesh-sidecar-flows";
  /** The relay in process, for the controller's own UI: no port, no TLS between two parts of one process. */
  static final String RELAY_IN_PROCESS = "hmesh-relay";

  /**
   * @param sidecar the injected sidecar, whose bootstrap every published configuration is checked against
   * @param sidecarTokens whether sidecar streams must present a service-account token besides calling from
   *     their pod's address
   * @param tls TLS on every port, or null for plaintext ({@code --no-tls})
   */
  record Settings(InetSocketAddress xds, InetSocketAddress relay, InetSocketAddress metrics, String agentNamespace,
      String agentService, int agentPort, int flowCapacity, SidecarConfig sidecar, TokenPolicy sidecarTokens,
      Tls tls) {}

  /**
   * TLS on the relay, xDS and access logs, and towards the agents.
   *
   * @param namespace where the CA Secret is (the controller's own namespace)
   * @param serverNames DNS names the controller's certificate carries: its Service's names
   * @param lifetime of each issued certificate; renewed at two thirds of it
   * @param agentUser the agents' service-account user, the only one that gets an agent certificate
   * @param agentServerName the name every agent's certificate carries when they share one, or null: each
   *     agent's certificate names its address, where the relay connects
   * @param tokenExchange where to serve the token exchange through which injected sidecars present their
   *     pod's service-account token, or null: they present none
   */
  record Tls(String namespace, List<String> serverNames, Duration lifetime, String agentUser,
      String agentServerName, InetSocketAddress tokenExchange) {}

  private final List<AutoCloseable> started = new ArrayList<>();
  private final SidecarRejectionStore rejections = new SidecarRejectionStore();
  private final AuthCounters sidecarAuth = new AuthCounters();
  private CertificateAuthority ca;
  private RotatingCertificate identity;
  private SidecarConfig sidecar;
  private Tls tlsSettings;

  SidecarRejectionStore rejections() {
    return rejections;
  }

  /** The sidecar as injected: with the CA its bootstrap trusts when TLS is on. Valid after {@link #start}. */
  SidecarConfig sidecar() {
    return sidecar;
  }

  /** The controller's rotating certificate, or null without TLS. */
  RotatingCertificate identity() {
    return identity;
  }

  /** Sidecar streams accepted and refused (the metrics read the same). */
  AuthCounters sidecarAuth() {
    return sidecarAuth;
  }

  void start(KubernetesClient client, Settings s) throws IOException {
    sidecar = s.sidecar();
    tlsSettings = s.tls();
    CachingTokenReviewer reviewer = new CachingTokenReviewer(new KubeTokenReviewer(client));
    if (s.tls() != null) {
      Clock clock = Clock.systemUTC();
      ca = new CaSecretStore(client, s.tls().namespace(), clock).loadOrCreate();
      identity = new RotatingCertificate(ca, TlsNames.RELAY_CLIENT, s.tls().serverNames(), s.tls().lifetime(), clock)
          .start();
      started.add(identity);
      sidecar = sidecar.withControlPlaneCa(Pem.encode(List.of(ca.certificate())));
      if (s.tls().tokenExchange() != null) {
        TokenExchangeServer exchange = new TokenExchangeServer(s.tls().tokenExchange(), identity.keys(),
            new TokenExchange(reviewer)).start();
        started.add(exchange);
        sidecar = sidecar.withTokenExchange("https://" + IpAddress.withPort(sidecar.xdsHost(), exchange.port())
            + TokenExchangeServer.PATH);
      }
    }
    // The access loggers present the sidecar's token too, when its bootstrap does.
    TranslatorSettings translation = TranslatorSettings.DEFAULTS.withAccessLogService(
        new SidecarInjector(sidecar).bootstrapSettings().accessLogService(SidecarBootstrap.TOKEN_AUDIENCE));
    FlowMetrics metrics = s.metrics() == null ? null : new FlowMetrics(MetricsOptions.DEFAULT);
    RingSink ring = new RingSink(new FlowRing(s.flowCapacity()));
    FlowSink tee = metrics == null ? ring : new TeeSink(List.of(ring, metrics));
    FlowSink sink = new RedactingSink(new Redaction(RedactionOptions.DEFAULT), tee);

    if (s.xds() != null) {
      AtomicReference<SidecarPublisher> publisher = new AtomicReference<>();
      // A sidecar stream is served only for the pod it proves to be: its address, and a token when it has one.
      SidecarAuthenticator authenticator = new SidecarAuthenticator(
          id -> publisher.get() == null ? Optional.empty() : publisher.get().directory().lookup(id),
          reviewer, s.sidecarTokens(), false, sidecarAuth);
      XdsServer xds = new XdsServer(List.of(s.xds()), translation,
          new SidecarInjector(sidecar).bootstraps(), rejections, authenticator, SidecarFlows.into(sink),
          identity == null ? null : TlsCredentials.server(identity.keys()))
          .start();
      started.add(xds);
      publisher.set(new SidecarPublisher(client, xds.snapshots(), rejections).start(5));
      started.add(publisher.get());
      if (metrics != null) {
        metrics.reading("hmesh_xds_rejections_total", "Configurations sidecars refused (NACKs).", true,
                xds.counters()::rejections)
            .reading("hmesh_xds_published_snapshots_total", "Sidecar configurations published.", true,
                xds.counters()::publishedSnapshots)
            .reading("hmesh_xds_streams", "Open xDS streams.", false, xds.counters()::openStreams)
            .reading("hmesh_access_log_entries_total", "Envoy access-log entries received.", true,
                xds.accessLogCounters()::entries)
            .reading("hmesh_access_log_dropped_total", "Access-log entries that made no flow.", true,
                xds.accessLogCounters()::droppedTotal)
            .reading("hmesh_xds_streams_refused_total", "xDS streams closed because the caller was not the pod "
                + "its node id names (address, workload or token).", true,
                () -> xds.authCounters().refused(AuthCounters.Plane.XDS))
            .reading("hmesh_access_log_streams_refused_total", "Access-log streams closed because the caller was "
                + "not the pod its node id names; their entries made no flow.", true,
                () -> xds.authCounters().refused(AuthCounters.Plane.ACCESS_LOG));
      }
    }

    if (s.relay() != null) {
      ObserverService local = new ObserverService(ring, "sidecars", AgentVersion.get(), SIDECAR_FLOWS, List::of);
      Server inProcess = InProcessServerBuilder.forName(SIDECAR_FLOWS).addService(local).build().start();
      started.add(() -> inProcess.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      AgentPeers peers = new AgentPeers(client, s.agentNamespace(), s.agentService(), s.agentPort(),
          List.of(new Peer("sidecars", "inprocess:" + SIDECAR_FLOWS)));
      started.add(peers);
      ClusterWorkloadReports reports = new ClusterWorkloadReports(client);
      RelayService relay = new RelayService(peers, this::channel,
          () -> Optional.of(reports.list(ListWorkloadsRequest.getDefaultInstance())), AgentVersion.get());
      started.add(relay);
      NettyServerBuilder builder = identity == null ? NettyServerBuilder.forAddress(s.relay())
          : NettyServerBuilder.forAddress(s.relay(), TlsCredentials.server(identity.keys()))
              // Agents get their serving certificates here, authenticated by their service-account token.
              .addService(new AgentCertificates(ca, reviewer, s.tls().agentUser(), s.tls().lifetime()));
      Server server = builder.addService(relay).intercept(CallerContext.interceptor()).build().start();
      started.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      Server relayInProcess = InProcessServerBuilder.forName(RELAY_IN_PROCESS).addService(relay).build().start();
      started.add(() -> relayInProcess.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    }

    if (metrics != null) {
      metrics.reading("hmesh_sidecar_rejections_total", "Sidecar configuration rejections recorded.", true,
          rejections::total);
      MetricsServer m = MetricsServer.start(s.metrics().getHostString(), s.metrics().getPort(), metrics);
      started.add(m);
    }
  }

  /** To the relay in this process (after {@link #start} with a relay), for the controller's UI. */
  ManagedChannel relayChannel() {
    return InProcessChannelBuilder.forName(RELAY_IN_PROCESS).build();
  }

  /** To a peer: the agents over TLS with the relay's client certificate when TLS is on. */
  private ManagedChannel channel(String target) {
    if (target.startsWith("inprocess:")) {
      return InProcessChannelBuilder.forName(target.substring("inprocess:".length())).build();
    }
    if (identity == null) {
      return NettyChannelBuilder.forTarget(target).usePlaintext().build();
    }
    NettyChannelBuilder b = NettyChannelBuilder.forTarget(target,
        TlsCredentials.channel(List.of(ca.certificate()), identity.keys()));
    if (tlsSettings.agentServerName() != null) {
      b.overrideAuthority(tlsSettings.agentServerName());
    }
    return b.build();
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // Stopping: what could not be closed goes with the process.
      }
    }
    started.clear();
  }
}
