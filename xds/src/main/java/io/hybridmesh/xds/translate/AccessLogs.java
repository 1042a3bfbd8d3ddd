package io.hybridmesh.xds.translate;

import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.CommonGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;

/** The gRPC access loggers every filter chain carries: that is how sidecar traffic becomes flows. */
final class AccessLogs {

  static final String HTTP_GRPC = "envoy.access_loggers.http_grpc";
  static final String TCP_GRPC = "envoy.access_loggers.tcp_grpc";

  private final TranslatorSettings settings;

  AccessLogs(TranslatorSettings settings) {
    this.settings = settings;
  }

  /**
   * Envoy writes an HTTP entry once, when the stream ends: a unary call at its response, a streaming call
   * at its trailers or reset, so a long stream shows up when it closes (no periodic HTTP flush is asked).
   */
  AccessLog http(String logName) {
    return AccessLog.newBuilder()
        .setName(HTTP_GRPC)
        .setTypedConfig(EnvoyProtos.pack(HttpGrpcAccessLogConfig.newBuilder()
            .setCommonConfig(common(logName))
            .addAllAdditionalRequestHeadersToLog(LoggedHeaders.REQUEST)
            .addAllAdditionalResponseHeadersToLog(LoggedHeaders.RESPONSE)
            .addAllAdditionalResponseTrailersToLog(LoggedHeaders.TRAILERS)
            .build()))
        .build();
  }

  AccessLog tcp(String logName) {
    return AccessLog.newBuilder()
        .setName(TCP_GRPC)
        .setTypedConfig(EnvoyProtos.pack(TcpGrpcAccessLogConfig.newBuilder().setCommonConfig(common(logName)).build()))
        .build();
  }

  /**
   * Envoy opens one stream per distinct logger configuration, so the log name identifies the stream's
   * direction and kind; the receiver keeps it from the stream's first message.
   */
  private CommonGrpcAccessLogConfig common(String logName) {
    return CommonGrpcAccessLogConfig.newBuilder()
        .setLogName(logName)
        .setGrpcService(settings.accessLogService() != null ? settings.accessLogService() : GrpcService.newBuilder()
            .setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(settings.alsCluster())).build())
        .setTransportApiVersion(ApiVersion.V3)
        .setBufferFlushInterval(EnvoyProtos.duration(settings.alsBufferFlushInterval()))
        .build();
  }
}
