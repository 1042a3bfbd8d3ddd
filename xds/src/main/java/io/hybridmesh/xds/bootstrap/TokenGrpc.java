package io.hybridmesh.xds.bootstrap;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.hybridmesh.api.net.IpAddress;
import java.util.Objects;

/**
 * How a sidecar sends its pod's service-account token on its streams to the controller. Envoy's own gRPC
 * client can only add fixed metadata, and a projected token is replaced by the kubelet before it expires, so
 * the streams go through Envoy's Google gRPC client instead: TLS with the CA given inline, and call
 * credentials of the kind {@code sts_service}, with which gRPC reads the token file, exchanges it at the
 * controller's token-exchange endpoint (RFC 8693) and sends what it gets back as {@code authorization:
 * Bearer}, fetching again before it expires.
 *
 * @param subjectTokenPath the projected token (audience hybrid-mesh) as mounted in the proxy container
 * @param exchangeUri the controller's token-exchange endpoint, {@code https://HOST:PORT/token}
 */
public record TokenGrpc(String subjectTokenPath, String exchangeUri) {

  public static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

  public TokenGrpc {
    Objects.requireNonNull(subjectTokenPath, "subjectTokenPath");
    Objects.requireNonNull(exchangeUri, "exchangeUri");
    if (!exchangeUri.startsWith("https://")) {
      throw new IllegalArgumentException("the token exchange must be HTTPS, not '" + exchangeUri + "'");
    }
  }

  /** A gRPC service at {@code host:port} over TLS that presents the token on every stream. */
  public GrpcService service(String host, int port, BootstrapSettings.ControlPlaneTls tls, String statPrefix,
      String audience) {
    return GrpcService.newBuilder()
        .setGoogleGrpc(GrpcService.GoogleGrpc.newBuilder()
            .setTargetUri(IpAddress.withPort(host, port))
            .setStatPrefix(statPrefix)
            .setChannelCredentials(GrpcService.GoogleGrpc.ChannelCredentials.newBuilder()
                .setSslCredentials(GrpcService.GoogleGrpc.SslCredentials.newBuilder()
                    .setRootCerts(DataSource.newBuilder().setInlineString(tls.caPem()))))
            .addCallCredentials(GrpcService.GoogleGrpc.CallCredentials.newBuilder()
                .setStsService(GrpcService.GoogleGrpc.CallCredentials.StsService.newBuilder()
                    .setTokenExchangeServiceUri(exchangeUri)
                    .setAudience(audience)
                    .setSubjectTokenPath(subjectTokenPath)
                    .setSubjectTokenType(JWT_TOKEN_TYPE)))
            // The name the certificate carries, when the target is reached by another one (an IP).
            .setChannelArgs(GrpcService.GoogleGrpc.ChannelArgs.newBuilder()
                .putArgs("grpc.ssl_target_name_override", GrpcService.GoogleGrpc.ChannelArgs.Value.newBuilder()
                    .setStringValue(tls.serverName()).build())))
        .build();
  }
}
