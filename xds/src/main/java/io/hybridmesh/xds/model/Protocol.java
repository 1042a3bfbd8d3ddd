package io.hybridmesh.xds.model;

import java.util.Locale;

/** What a port speaks, as declared (Service appProtocol / port name) or probed. Decides HCM vs TCP proxy. */
public enum Protocol {
  HTTP,
  HTTP2,
  GRPC,
  TCP;

  /** True where Envoy can run its HTTP connection manager and so log requests, not only connections. */
  public boolean speaksHttp() {
    return this != TCP;
  }

  /** True where the upstream must be spoken to in HTTP/2 (h2c), whatever the downstream used. */
  public boolean needsHttp2Upstream() {
    return this == HTTP2 || this == GRPC;
  }

  /**
   * What a Service port declares, read the way Istio reads it so that workloads moving between meshes keep
   * their meaning: Kubernetes' {@code appProtocol} first, taken whole ({@code grpc}, {@code http2},
   * {@code kubernetes.io/h2c}, {@code http}; {@code grpc-web} is HTTP, as gRPC-Web travels over HTTP/1.1
   * too); an {@code appProtocol} it does not know falls back to the port name, whose part before the first
   * {@code -} counts ({@code grpc}, {@code grpc-api}, {@code http2-x}, {@code http-web}). Case does not
   * matter. Anything else is TCP, and an {@code appProtocol} naming a protocol that is not HTTP
   * ({@code https}, {@code tls}: TLS the application does itself; {@code tcp}, {@code mysql}) wins over an
   * HTTP-looking port name: an HTTP connection manager in front of it would break its traffic.
   */
  public static Protocol declared(String appProtocol, String portName) {
    if (appProtocol != null && !appProtocol.isBlank()) {
      Protocol p = byAppProtocol(appProtocol.trim().toLowerCase(Locale.ROOT));
      if (p != null) {
        return p;
      }
    }
    if (portName == null || portName.isBlank()) {
      return TCP;
    }
    String name = portName.trim().toLowerCase(Locale.ROOT);
    int dash = name.indexOf('-');
    Protocol p = byName(dash < 0 ? name : name.substring(0, dash));
    return p == null ? TCP : p;
  }

  private static Protocol byAppProtocol(String value) {
    return switch (value) {
      case "grpc-web" -> HTTP;
      case "kubernetes.io/h2c" -> HTTP2;
      default -> byName(value);
    };
  }

  private static Protocol byName(String value) {
    return switch (value) {
      case "grpc" -> GRPC;
      case "http2", "h2c" -> HTTP2;
      case "http" -> HTTP;
      case "tcp", "tls", "https", "udp", "mongo", "mysql", "redis" -> TCP;
      default -> null;
    };
  }
}
