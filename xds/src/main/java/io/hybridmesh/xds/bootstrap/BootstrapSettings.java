package io.hybridmesh.xds.bootstrap;

import io.hybridmesh.xds.server.XdsServer;
import java.time.Duration;
import java.util.Objects;

/**
 * Where a sidecar's bootstrap sends it: the xDS server and the access-log receiver, each as the sidecar
 * reaches it (the injector: the controller's Service; the demo: the host's end of the demo network).
 *
 * @param xds the ADS server, the bootstrap's cluster {@code xds_cluster}
 * @param accessLog the access-log receiver, the bootstrap's cluster {@code hmesh-als}, which every served
 *     listener's gRPC access logger names
 * @param adminPort Envoy's admin port, bound to 127.0.0.1 only: it can change config and must not be reachable
 *     from other pods
 * @param connectTimeout connect timeout towards both
 * @param tls how the sidecar checks the control plane over TLS, or null for plaintext (the demo)
 * @param token how it presents its service-account token on its streams, or null for none (needs tls)
 */
public record BootstrapSettings(Upstream xds, Upstream accessLog, int adminPort, Duration connectTimeout,
    ControlPlaneTls tls, TokenGrpc token) {

  /**
   * TLS towards the control plane: the CA the sidecar trusts (carried inline in the bootstrap, so no Secret
   * has to reach the workload's namespace) and the name the server's certificate must carry.
   */
  public record ControlPlaneTls(String caPem, String serverName) {
    public ControlPlaneTls {
      Objects.requireNonNull(caPem, "caPem");
      Objects.requireNonNull(serverName, "serverName");
    }
  }

  public BootstrapSettings(Upstream xds, Upstream accessLog, int adminPort, Duration connectTimeout) {
    this(xds, accessLog, adminPort, connectTimeout, null, null);
  }

  public static final int DEFAULT_ADMIN_PORT = 15000;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** A host (a DNS name, or an IP) and port a sidecar connects to. */
  public record Upstream(String host, int port) {

    public Upstream {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("a sidecar's upstream host must not be blank");
      }
      checkPort(port);
    }
  }

  /**
   * Both clusters at one server, as {@link XdsServer} serves xDS and access logs on one port; they stay two
   * clusters so that log traffic and config traffic are apart in Envoy's stats and connection pools.
   */
  public static BootstrapSettings oneServer(String host, int port) {
    Upstream server = new Upstream(host, port);
    return new BootstrapSettings(server, server, DEFAULT_ADMIN_PORT, DEFAULT_CONNECT_TIMEOUT);
  }

  public static BootstrapSettings of(String controlPlaneHost) {
    return oneServer(controlPlaneHost, XdsServer.DEFAULT_PORT);
  }

  public BootstrapSettings {
    Objects.requireNonNull(xds, "xds");
    Objects.requireNonNull(accessLog, "accessLog");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    checkPort(adminPort);
    if (token != null && tls == null) {
      throw new IllegalArgumentException("a sidecar sends its token over TLS only");
    }
    if (connectTimeout.toMillis() < 1) {
      throw new IllegalArgumentException("the connect timeout must be at least 1 ms");
    }
  }

  public BootstrapSettings withAdminPort(int port) {
    return new BootstrapSettings(xds, accessLog, port, connectTimeout, tls, token);
  }

  public BootstrapSettings withConnectTimeout(Duration timeout) {
    return new BootstrapSettings(xds, accessLog, adminPort, timeout, tls, token);
  }

  public BootstrapSettings withTls(ControlPlaneTls tls) {
    return new BootstrapSettings(xds, accessLog, adminPort, connectTimeout, tls, token);
  }

  public BootstrapSettings withToken(TokenGrpc token) {
    return new BootstrapSettings(xds, accessLog, adminPort, connectTimeout, tls, token);
  }

  /** The stream the access loggers of the served listeners use when the sidecar presents its token. */
  public io.envoyproxy.envoy.config.core.v3.GrpcService accessLogService(String audience) {
    return token == null ? null : token.service(accessLog.host(), accessLog.port(), tls, "hmesh_als", audience);
  }

  private static void checkPort(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }
}
