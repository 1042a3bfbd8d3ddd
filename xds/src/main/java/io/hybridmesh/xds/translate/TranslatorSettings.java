package io.hybridmesh.xds.translate;

import io.envoyproxy.envoy.config.core.v3.GrpcService;
import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of the translation that are the same for every sidecar.
 *
 * @param outboundPort where the init container's iptables rules redirect the application's outgoing traffic
 * @param inboundPort where they redirect traffic arriving at the pod
 * @param alsCluster the bootstrap's static cluster of our access-log receiver
 * @param tcpLogFlushInterval how often a long TCP connection reports while open; without it Envoy logs a
 *     connection only when it closes, and a day-long connection would stay invisible for a day
 * @param alsBufferFlushInterval how long Envoy batches access-log entries before sending them
 * @param connectTimeout upstream connect timeout of every cluster
 * @param clusterDomain the cluster DNS suffix, for the host names a Service is called by
 * @param accessLogService the gRPC service the access loggers use instead of Envoy's client on
 *     {@code alsCluster}: the one that presents the sidecar's token ({@code BootstrapSettings#accessLogService}),
 *     or null
 */
public record TranslatorSettings(
    int outboundPort, int inboundPort, String alsCluster, Duration tcpLogFlushInterval,
    Duration alsBufferFlushInterval, Duration connectTimeout, String clusterDomain,
    GrpcService accessLogService) {

  public static final TranslatorSettings DEFAULTS = new TranslatorSettings(15001, 15006, Names.ALS_CLUSTER,
      Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(10), "cluster.local");

  public TranslatorSettings(int outboundPort, int inboundPort, String alsCluster, Duration tcpLogFlushInterval,
      Duration alsBufferFlushInterval, Duration connectTimeout, String clusterDomain) {
    this(outboundPort, inboundPort, alsCluster, tcpLogFlushInterval, alsBufferFlushInterval, connectTimeout,
        clusterDomain, null);
  }

  public TranslatorSettings withAccessLogService(GrpcService service) {
    return new TranslatorSettings(outboundPort, inboundPort, alsCluster, tcpLogFlushInterval, alsBufferFlushInterval,
        connectTimeout, clusterDomain, service);
  }

  public TranslatorSettings {
    Objects.requireNonNull(alsCluster, "alsCluster");
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    if (tcpLogFlushInterval.toMillis() < 1 || alsBufferFlushInterval.toMillis() < 1
        || connectTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("intervals and timeouts must be at least 1 ms");
    }
  }
}
