package io.hybridmesh.xds.server;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.hybridmesh.xds.als.AccessLogFlows;
import io.hybridmesh.xds.als.AccessLogReceiver;
import io.hybridmesh.xds.als.AlsCounters;
import io.hybridmesh.xds.als.SidecarFlowSink;
import io.hybridmesh.xds.auth.AuthCounters;
import io.hybridmesh.xds.auth.CallerContext;
import io.hybridmesh.xds.auth.SidecarAuthenticator;
import io.hybridmesh.xds.translate.SidecarTranslator;
import io.hybridmesh.xds.translate.TranslatorSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sidecars' one gRPC endpoint: state-of-the-world ADS (with the NACK guard) and the access-log receiver
 * on the same port, so a sidecar's bootstrap names one address for both. Port 18000 unless told otherwise.
 */
public final class XdsServer implements AutoCloseable {

  public static final int DEFAULT_PORT = 18000;

  /** Largest message accepted: an Envoy access-log batch is ~16 KiB; xDS requests are small. */
  static final int MAX_INBOUND_MESSAGE_BYTES = 4 * 1024 * 1024;

  static final long SWEEP_SECONDS = 30;

  private final XdsCounters counters = new XdsCounters();
  private final AlsCounters alsCounters = new AlsCounters();
  private final SimpleCache<SidecarGroup> cache = new SimpleCache<>(SidecarGroup.NODE_GROUP);
  private final SidecarSnapshots snapshots;
  private final SidecarAuthenticator authenticator;
  private final Server server;
  /** Drops departed groups' snapshots once their last sidecar has gone, between publications too. */
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "hmesh-xds-sweeper");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param host the address to bind (an IP or a host name; "0.0.0.0" for every interface)
   * @param port the port, {@link #DEFAULT_PORT} normally; 0 picks a free one (tests)
   * @param bootstraps what each group's sidecars start from; every snapshot is checked against it
   */
  public XdsServer(String host, int port, TranslatorSettings settings, SidecarBootstraps bootstraps,
      SidecarRejections rejections, SidecarAuthenticator authenticator, SidecarFlowSink sink) {
    this(List.of(new InetSocketAddress(host, port)), settings, bootstraps, rejections, authenticator, sink);
  }

  /**
   * Listens on several addresses at once (the demo: the host's loopback for people, and the address its
   * workloads' namespaces reach, for their sidecars). Port 0 is only meaningful with one address.
   */
  public XdsServer(List<InetSocketAddress> addresses, TranslatorSettings settings, SidecarBootstraps bootstraps,
      SidecarRejections rejections, SidecarAuthenticator authenticator, SidecarFlowSink sink) {
    this(addresses, settings, bootstraps, rejections, authenticator, sink, null);
  }

  /**
   * @param credentials TLS for every address (the controller: the sidecars' bootstraps trust its CA), or
   *     null for plaintext (the demo, on its own host)
   */
  public XdsServer(List<InetSocketAddress> addresses, TranslatorSettings settings, SidecarBootstraps bootstraps,
      SidecarRejections rejections, SidecarAuthenticator authenticator, SidecarFlowSink sink,
      ServerCredentials credentials) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("the xDS server needs at least one address to listen on");
    }
    this.snapshots = new SidecarSnapshots(cache, new SidecarTranslator(settings), bootstraps, counters);
    this.authenticator = authenticator;
    NackGuard guard = new NackGuard(cache, rejections, counters, authenticator);
    V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(guard), guard);
    AccessLogReceiver receiver = new AccessLogReceiver(authenticator, sink,
        new AccessLogFlows(System::currentTimeMillis), AccessLogReceiver.Limits.DEFAULTS, alsCounters);
    NettyServerBuilder builder = credentials == null ? NettyServerBuilder.forAddress(addresses.get(0))
        : NettyServerBuilder.forAddress(addresses.get(0), credentials);
    addresses.subList(1, addresses.size()).forEach(builder::addListenAddress);
    this.server = builder
        .addService(discovery.getAggregatedDiscoveryServiceImpl())
        .addService(receiver)
        // Who calls, for the identity check of every stream: the peer's address and any bearer token.
        .intercept(CallerContext.interceptor())
        .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
        // Envoy keeps its xDS and log streams open for hours and pings them; allow its keepalive rate.
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        // A sidecar that vanished without closing its connection (node lost) would hold its streams, and a
        // slot of the access-log stream limit, forever: ping quiet connections and close dead ones.
        .keepAliveTime(60, TimeUnit.SECONDS)
        .keepAliveTimeout(20, TimeUnit.SECONDS)
        .build();
  }

  public XdsServer start() throws IOException {
    server.start();
    sweeper.scheduleWithFixedDelay(snapshots::retryRemovals, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    return this;
  }

  /** The bound port: the one given, or the one picked for port 0. */
  public int port() {
    return server.getPort();
  }

  public SidecarSnapshots snapshots() {
    return snapshots;
  }

  public XdsCounters counters() {
    return counters;
  }

  public AlsCounters accessLogCounters() {
    return alsCounters;
  }

  /** Sidecar streams accepted and refused, by plane and reason. */
  public AuthCounters authCounters() {
    return authenticator.counters();
  }

  /** Read-only view for status and tests: how many watches a group has open. */
  public int openWatches(SidecarGroup group) {
    var status = cache.statusInfo(group);
    return status == null ? 0 : status.numWatches();
  }

  @Override
  public void close() throws InterruptedException {
    sweeper.shutdownNow();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
