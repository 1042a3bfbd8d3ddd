package io.hybridmesh.xds.validate;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.HttpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.access_loggers.grpc.v3.TcpGrpcAccessLogConfig;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every message type we pack into an {@code Any}, and the resource types themselves: what the validator can
 * unpack and what JSON printing can expand. A typed config of a type not listed here is an error, because
 * we could not check it and Envoy might not know it either.
 */
public final class EnvoyTypes {

  public static final List<Message> TYPED_CONFIGS = List.of(
      HttpConnectionManager.getDefaultInstance(), TcpProxy.getDefaultInstance(), Router.getDefaultInstance(),
      OriginalDst.getDefaultInstance(), HttpGrpcAccessLogConfig.getDefaultInstance(),
      TcpGrpcAccessLogConfig.getDefaultInstance(), HttpProtocolOptions.getDefaultInstance(),
      UpstreamTlsContext.getDefaultInstance());

  private static final Map<String, Message> BY_NAME = TYPED_CONFIGS.stream()
      .collect(Collectors.toUnmodifiableMap(m -> m.getDescriptorForType().getFullName(), m -> m));

  public static final JsonFormat.TypeRegistry REGISTRY = JsonFormat.TypeRegistry.newBuilder()
      .add(TYPED_CONFIGS.stream().map(Message::getDescriptorForType).toList())
      .add(List.of(Cluster.getDescriptor(), ClusterLoadAssignment.getDescriptor(), Listener.getDescriptor(),
          RouteConfiguration.getDescriptor(), Bootstrap.getDescriptor()))
      .build();

  private EnvoyTypes() {}

  /** The generated message an {@code Any} of this type unpacks into, or null when we never pack it. */
  public static Message typedConfig(String fullName) {
    return BY_NAME.get(fullName);
  }

  /** The Envoy config as Envoy's own tools print it: JSON with typed configs expanded. */
  public static JsonFormat.Printer printer() {
    return JsonFormat.printer().usingTypeRegistry(REGISTRY);
  }
}
