package io.hybridmesh.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogType;
import io.envoyproxy.envoy.data.accesslog.v3.ConnectionProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What an Envoy sidecar would do against the demo: fetch its listeners over ADS, stream an access log. */
final class SidecarClient {

  private static final String LISTENER_TYPE = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String CLUSTER_TYPE = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  /**
   * The address the stand-in sidecar's connections come from (a loopback address such as 127.0.0.7 given to
   * the pod in the mock cluster), as Envoy's come from its pod's; null: whatever the kernel picks.
   */
  static volatile String sourceIp;
  /** The service-account token the stand-in sidecar presents (authorization: Bearer), or null. */
  static volatile String bearer;
  /** TLS as the injected bootstrap sets it up (the CA, the server name), or null for plaintext. */
  static volatile io.grpc.ChannelCredentials credentials;
  static volatile String serverName;

  private SidecarClient() {}

  static ManagedChannel channel(String target) {
    io.grpc.ChannelCredentials tls = credentials;
    NettyChannelBuilder b = tls == null ? NettyChannelBuilder.forTarget(target).usePlaintext()
        : NettyChannelBuilder.forTarget(target, tls);
    if (tls != null && serverName != null) {
      b.overrideAuthority(serverName);
    }
    String source = sourceIp;
    if (source != null) {
      b.localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
        @Override
        public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
          return new java.net.InetSocketAddress(source, 0);
        }
      });
    }
    String token = bearer;
    if (token != null) {
      io.grpc.Metadata headers = new io.grpc.Metadata();
      headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
          "Bearer " + token);
      b.intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return b.build();
  }

  static List<String> listenerNames(String target, String nodeId, String cluster) throws Exception {
    return resources(target, nodeId, cluster, LISTENER_TYPE, Listener.class).stream().map(Listener::getName)
        .toList();
  }

  static List<Cluster> clusters(String target, String nodeId, String cluster) throws Exception {
    return resources(target, nodeId, cluster, CLUSTER_TYPE, Cluster.class);
  }

  /** The first response to one subscription of this type, as a sidecar would receive it over ADS. */
  private static <T extends Message> List<T> resources(String target, String nodeId, String cluster, String typeUrl,
      Class<T> type) throws Exception {
    ManagedChannel ch = channel(target);
    try {
      CompletableFuture<DiscoveryResponse> first = new CompletableFuture<>();
      StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(ch)
          .streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
              first.complete(r);
            }

            @Override
            public void onError(Throwable t) {
              first.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(typeUrl)
          .setNode(Node.newBuilder().setId(nodeId).setCluster(cluster)).build());
      DiscoveryResponse r = first.get(20, TimeUnit.SECONDS);
      List<T> out = new ArrayList<>();
      for (Any a : r.getResourcesList()) {
        out.add(unpack(a, type));
      }
      requests.onCompleted();
      return out;
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static <T extends Message> T unpack(Any a, Class<T> type) {
    try {
      return a.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a " + type.getSimpleName() + ": " + a.getTypeUrl(), e);
    }
  }

  /** One inbound TCP connection as Envoy logs it: from the client to the app's port, via 127.0.0.6. */
  static void sendInboundTcpLog(String target, String nodeId, String clientIp, int clientPort, String podIp,
      int port) throws Exception {
    long now = System.currentTimeMillis();
    TCPAccessLogEntry entry = TCPAccessLogEntry.newBuilder()
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(now - 50))
            .setDownstreamRemoteAddress(address(clientIp, clientPort))
            .setDownstreamLocalAddress(address(podIp, port))
            .setUpstreamLocalAddress(address("127.0.0.6", 50001))
            .setUpstreamRemoteAddress(address(podIp, port))
            .setUpstreamCluster("inbound|" + port + "||")
            .setDuration(Durations.fromMillis(40))
            .setAccessLogType(AccessLogType.TcpConnectionEnd))
        .setConnectionProperties(ConnectionProperties.newBuilder().setReceivedBytes(1200).setSentBytes(3400))
        .build();
    send(target, StreamAccessLogsMessage.newBuilder()
        .setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(Node.newBuilder().setId(nodeId).setCluster("payments")).setLogName("inbound-tcp"))
        .setTcpLogs(StreamAccessLogsMessage.TCPAccessLogEntries.newBuilder().addLogEntry(entry))
        .build());
  }

  /** One inbound HTTP request as Envoy logs it, from the client to the app's port. */
  static void sendInboundHttpLog(String target, String nodeId, String clientIp, int clientPort, String podIp,
      int port, String path) throws Exception {
    long now = System.currentTimeMillis();
    HTTPAccessLogEntry entry = HTTPAccessLogEntry.newBuilder()
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(now - 50))
            .setDownstreamRemoteAddress(address(clientIp, clientPort))
            .setDownstreamLocalAddress(address(podIp, port))
            .setUpstreamCluster("inbound|" + port + "||")
            .setDuration(Durations.fromMillis(4)))
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setRequest(HTTPRequestProperties.newBuilder().setRequestMethod(RequestMethod.GET)
            .setAuthority("cart").setPath(path))
        .setResponse(HTTPResponseProperties.newBuilder().setResponseCode(UInt32Value.of(200)))
        .build();
    send(target, StreamAccessLogsMessage.newBuilder()
        .setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(Node.newBuilder().setId(nodeId).setCluster("payments")).setLogName("inbound-http"))
        .setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addLogEntry(entry))
        .build());
  }

  /**
   * One outbound gRPC call as Envoy logs it with the translator's logger: HTTP/2, the request's
   * content-type, and the call's grpc-status in the response trailers.
   */
  static void sendOutboundGrpcLog(String target, String nodeId, String podIp, String serviceIp, String endpointIp,
      int port, String upstreamCluster, String path, int grpcStatus) throws Exception {
    long now = System.currentTimeMillis();
    HTTPAccessLogEntry entry = HTTPAccessLogEntry.newBuilder()
        .setCommonProperties(AccessLogCommon.newBuilder()
            .setStartTime(Timestamps.fromMillis(now - 50))
            .setDownstreamRemoteAddress(address(podIp, 41000))
            .setDownstreamLocalAddress(address(serviceIp, port))
            .setUpstreamLocalAddress(address(podIp, 41001))
            .setUpstreamRemoteAddress(address(endpointIp, port))
            .setUpstreamCluster(upstreamCluster)
            .setDuration(Durations.fromMillis(3)))
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP2)
        .setRequest(HTTPRequestProperties.newBuilder().setRequestMethod(RequestMethod.POST)
            .setAuthority(serviceIp + ":" + port).setPath(path).putRequestHeaders("content-type", "application/grpc"))
        .setResponse(HTTPResponseProperties.newBuilder().setResponseCode(UInt32Value.of(200))
            .putResponseTrailers("grpc-status", Integer.toString(grpcStatus)))
        .build();
    send(target, StreamAccessLogsMessage.newBuilder()
        .setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(Node.newBuilder().setId(nodeId)).setLogName("outbound-http"))
        .setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder().addLogEntry(entry))
        .build());
  }

  private static void send(String target, StreamAccessLogsMessage message) throws Exception {
    ManagedChannel ch = channel(target);
    try {
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<StreamAccessLogsMessage> stream = AccessLogServiceGrpc.newStub(ch)
          .streamAccessLogs(new StreamObserver<StreamAccessLogsResponse>() {
            @Override
            public void onNext(StreamAccessLogsResponse value) {}

            @Override
            public void onError(Throwable t) {
              done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
              done.complete(null);
            }
          });
      stream.onNext(message);
      stream.onCompleted();
      done.get(20, TimeUnit.SECONDS);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }
}
