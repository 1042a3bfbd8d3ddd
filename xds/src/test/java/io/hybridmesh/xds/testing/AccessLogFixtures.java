package io.hybridmesh.xds.testing;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BuildVersion;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogType;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.type.v3.SemanticVersion;
import io.hybridmesh.xds.als.SidecarIdentity;
import java.util.List;

/** Real Envoy access-log messages as a sidecar of the frontend workload would send them. */
public final class AccessLogFixtures {

  public static final String NODE_ID = "frontend-7d4f9-abcde.shop";
  public static final SidecarIdentity FRONTEND_POD = new SidecarIdentity("shop", "frontend-7d4f9-abcde", "frontend",
      "Deployment", "node-a", List.of("10.1.0.7", "fd00::7"));
  public static final long START_MILLIS = 1_790_000_000_123L;

  private AccessLogFixtures() {}

  public static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  public static StreamAccessLogsMessage.Identifier identifier(String nodeId, String logName) {
    return StreamAccessLogsMessage.Identifier.newBuilder()
        .setNode(Node.newBuilder().setId(nodeId).setCluster("frontend")
            .setUserAgentName("envoy")
            .setUserAgentBuildVersion(BuildVersion.newBuilder()
                .setVersion(SemanticVersion.newBuilder().setMajorNumber(1).setMinorNumber(34).setPatch(1))))
        .setLogName(logName)
        .build();
  }

  /** The frontend calls catalog (VIP 10.96.0.20:80) and Envoy picks endpoint 10.1.1.4:8080. */
  public static HTTPAccessLogEntry outboundGet() {
    return HTTPAccessLogEntry.newBuilder()
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(START_MILLIS))
            .setDownstreamRemoteAddress(address("10.1.0.7", 51000))
            .setDownstreamDirectRemoteAddress(address("10.1.0.7", 51000))
            .setDownstreamLocalAddress(address("10.96.0.20", 80))
            .setUpstreamLocalAddress(address("10.1.0.7", 43210))
            .setUpstreamRemoteAddress(address("10.1.1.4", 8080))
            .setUpstreamCluster("outbound|80||catalog.shop.svc.cluster.local")
            .setRouteName("default")
            .setTimeToLastUpstreamTxByte(Durations.fromMillis(1))
            .setTimeToFirstUpstreamRxByte(Durations.fromMillis(4))
            .setTimeToLastDownstreamTxByte(Durations.fromMillis(5))
            .setDuration(Durations.fromMillis(5))
            .setStreamId("3b1c2d"))
        .setRequest(HTTPRequestProperties.newBuilder()
            .setRequestMethod(RequestMethod.GET)
            .setScheme("http")
            .setAuthority("catalog")
            .setPath("/items?page=2")
            .setUserAgent("curl/8.0")
            .setRequestId("req-1")
            .putRequestHeaders("authorization", "Bearer secret")
            .putRequestHeaders("x-tenant", "blue"))
        .setResponse(HTTPResponseProperties.newBuilder()
            .setResponseCode(UInt32Value.of(200))
            .setResponseBodyBytes(512))
        .build();
  }

  /**
   * The frontend calls {@code path} on payments (VIP 10.96.0.30:50051, a gRPC port) over h2c and the server
   * answers HTTP 200 and nothing else yet: tests add the trailers or headers the call ended with, as Envoy
   * logs them when asked for {@code grpc-status} and {@code grpc-message} (LoggedHeaders).
   */
  public static HTTPAccessLogEntry.Builder outboundGrpc(String path) {
    return HTTPAccessLogEntry.newBuilder()
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP2)
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(START_MILLIS))
            .setDownstreamRemoteAddress(address("10.1.0.7", 52000))
            .setDownstreamDirectRemoteAddress(address("10.1.0.7", 52000))
            .setDownstreamLocalAddress(address("10.96.0.30", 50051))
            .setUpstreamLocalAddress(address("10.1.0.7", 43300))
            .setUpstreamRemoteAddress(address("10.1.2.9", 50051))
            .setUpstreamCluster("outbound|50051||payments.billing.svc.cluster.local")
            .setRouteName("default")
            .setTimeToLastUpstreamTxByte(Durations.fromMillis(1))
            .setTimeToFirstUpstreamRxByte(Durations.fromMillis(3))
            .setTimeToLastDownstreamTxByte(Durations.fromMillis(4))
            .setDuration(Durations.fromMillis(4))
            .setStreamId("grpc-1"))
        .setRequest(HTTPRequestProperties.newBuilder()
            .setRequestMethod(RequestMethod.POST)
            .setScheme("http")
            .setAuthority("payments.billing:50051")
            .setPath(path)
            .setUserAgent("grpc-java-netty/1.70.0")
            .setRequestId("req-g1")
            .setRequestBodyBytes(25)
            .putRequestHeaders("content-type", "application/grpc"))
        .setResponse(HTTPResponseProperties.newBuilder()
            .setResponseCode(UInt32Value.of(200))
            .setResponseBodyBytes(40));
  }

  /** A client at 10.1.9.9 calls the frontend on 8080; Envoy forwards from 127.0.0.6. */
  public static TCPAccessLogEntry inboundTcp(AccessLogType type) {
    return TCPAccessLogEntry.newBuilder()
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(START_MILLIS))
            .setDownstreamRemoteAddress(address("10.1.9.9", 40000))
            .setDownstreamLocalAddress(address("10.1.0.7", 9000))
            .setUpstreamLocalAddress(address("127.0.0.6", 50001))
            .setUpstreamRemoteAddress(address("10.1.0.7", 9000))
            .setUpstreamCluster("inbound|9000||")
            .setDuration(Durations.fromSeconds(30))
            .setAccessLogType(type)
            .setStreamId("tcp-1"))
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(1000).setSentBytes(250))
        .build();
  }

  public static StreamAccessLogsMessage http(StreamAccessLogsMessage.Identifier identifier,
      HTTPAccessLogEntry... entries) {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder()
        .setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addAllLogEntry(List.of(entries)));
    if (identifier != null) {
      m.setIdentifier(identifier);
    }
    return m.build();
  }

  public static StreamAccessLogsMessage tcp(StreamAccessLogsMessage.Identifier identifier,
      TCPAccessLogEntry... entries) {
    StreamAccessLogsMessage.Builder m = StreamAccessLogsMessage.newBuilder()
        .setTcpLogs(StreamAccessLogsMessage.TCPAccessLogEntries.newBuilder().addAllLogEntry(List.of(entries)));
    if (identifier != null) {
      m.setIdentifier(identifier);
    }
    return m.build();
  }

  public static AccessLogType periodic() {
    return AccessLogType.TcpPeriodic;
  }
}
