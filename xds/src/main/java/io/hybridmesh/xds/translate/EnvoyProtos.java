package io.hybridmesh.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.hybridmesh.api.net.IpAddress;
import java.time.Duration;

/** Small builders shared by the translator and the bootstrap generator. */
public final class EnvoyProtos {

  /** The key Envoy looks up a cluster's upstream HTTP options under. */
  public static final String HTTP_PROTOCOL_OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  private EnvoyProtos() {}

  public static Any pack(Message message) {
    return Any.pack(message);
  }

  public static com.google.protobuf.Duration duration(Duration d) {
    return Durations.fromMillis(d.toMillis());
  }

  public static Address socketAddress(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }

  public static CidrRange hostRange(String ip) {
    return CidrRange.newBuilder()
        .setAddressPrefix(ip)
        .setPrefixLen(UInt32Value.of(IpAddress.parse(ip).isV6() ? 128 : 32))
        .build();
  }

  /** RDS, EDS and friends all come over the one ADS stream. */
  public static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  /**
   * For HTTP/2 and gRPC ports: the upstream is spoken to in HTTP/2 with prior knowledge (h2c), whatever the
   * downstream spoke, as a gRPC server takes nothing else and an {@code http2} port declares it wants h2.
   */
  public static Any http2Upstream() {
    return pack(HttpProtocolOptions.newBuilder()
        .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
        .build());
  }

  /** For pass-through clusters: speak upstream what the application spoke downstream (h2c stays h2c). */
  public static Any downstreamProtocolUpstream() {
    return pack(HttpProtocolOptions.newBuilder()
        .setUseDownstreamProtocolConfig(HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
            .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
            .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
        .build());
  }
}
