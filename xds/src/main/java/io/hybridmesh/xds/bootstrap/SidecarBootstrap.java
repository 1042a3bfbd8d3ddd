package io.hybridmesh.xds.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.xds.server.SidecarGroup;
import io.hybridmesh.xds.translate.EnvoyProtos;
import io.hybridmesh.xds.translate.Names;
import io.hybridmesh.xds.validate.EnvoyTypes;

/**
 * The static config every sidecar starts from (pure), the controller's injected ones and the demo's alike:
 * who it is, where the control plane is, and the access-log receiver's cluster, which every listener we serve
 * names and which Envoy must know before it accepts such a listener. One builder, one printer, one parser:
 * what the injector writes into a pod template is what tests read back.
 *
 * <p>The node is sent on every xDS request (Envoy's default; {@code set_node_on_first_message_only} stays
 * false) because java-control-plane hashes each request's node to find the snapshot.
 */
public final class SidecarBootstrap {

  /** The audience of the projected token a sidecar presents; the controller accepts no other. */
  public static final String TOKEN_AUDIENCE = io.hybridmesh.api.tls.TlsNames.TOKEN_AUDIENCE;

  private SidecarBootstrap() {}

  /**
   * @param pod the pod's name (the injector passes it through the downward API)
   * @param namespace the pod's namespace
   * @param workload the owning workload's name, which groups its pods onto one snapshot
   */
  public static Bootstrap build(BootstrapSettings settings, String pod, String namespace, String workload) {
    Node node = Node.newBuilder()
        .setId(SidecarGroup.nodeId(pod, namespace))
        .setCluster(workload)
        .build();
    if (SidecarGroup.of(node).isEmpty()) {
      throw new IllegalArgumentException("pod '" + pod + "', namespace '" + namespace + "' and workload '"
          + workload + "' do not make a sidecar node id");
    }
    GrpcService adsService = settings.token() == null
        ? GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(Names.XDS_CLUSTER))
            .build()
        : settings.token().service(settings.xds().host(), settings.xds().port(), settings.tls(), "hmesh_xds",
            TOKEN_AUDIENCE);
    ApiConfigSource ads = ApiConfigSource.newBuilder()
        .setApiType(ApiConfigSource.ApiType.GRPC)
        .setTransportApiVersion(ApiVersion.V3)
        .addGrpcServices(adsService)
        .build();
    return Bootstrap.newBuilder()
        .setNode(node)
        .setAdmin(Admin.newBuilder().setAddress(EnvoyProtos.socketAddress("127.0.0.1", settings.adminPort())))
        .setStaticResources(Bootstrap.StaticResources.newBuilder()
            .addClusters(controlPlaneCluster(Names.XDS_CLUSTER, settings.xds(), settings))
            .addClusters(controlPlaneCluster(Names.ALS_CLUSTER, settings.accessLog(), settings)))
        .setDynamicResources(Bootstrap.DynamicResources.newBuilder()
            .setAdsConfig(ads)
            .setCdsConfig(EnvoyProtos.ads())
            .setLdsConfig(EnvoyProtos.ads()))
        .build();
  }

  /** JSON with Envoy's own (snake_case) field names, as Envoy reads from {@code --config-path envoy.json}. */
  public static String toJson(Bootstrap bootstrap) {
    return print(EnvoyTypes.printer().preservingProtoFieldNames(), bootstrap) + "\n";
  }

  /**
   * The same JSON on one line, for {@code --config-yaml} in a container's args (JSON is YAML): a pod spec
   * keeps it verbatim and {@code kubectl get -o yaml} shows it as one string.
   */
  public static String toSingleLineJson(Bootstrap bootstrap) {
    return print(EnvoyTypes.printer().preservingProtoFieldNames().omittingInsignificantWhitespace(), bootstrap);
  }

  /**
   * Reads a bootstrap back from the JSON above (either field-name style), as strictly as Envoy does: an
   * unknown field or an unregistered typed config is an error.
   *
   * @throws IllegalArgumentException with the parser's reason when it is not a bootstrap
   */
  public static Bootstrap parseJson(String json) {
    Bootstrap.Builder b = Bootstrap.newBuilder();
    try {
      JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY).merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("not an Envoy bootstrap: " + e.getMessage(), e);
    }
    return b.build();
  }

  /** YAML, for a ConfigMap people read. */
  public static String toYaml(Bootstrap bootstrap) {
    return JsonToYaml.convert(toJson(bootstrap));
  }

  /** A literal IP needs no DNS (STATIC); a Service name is resolved and re-resolved (STRICT_DNS). */
  private static Cluster controlPlaneCluster(String name, BootstrapSettings.Upstream upstream,
      BootstrapSettings settings) {
    String host = upstream.host();
    Cluster.Builder cluster = Cluster.newBuilder();
    if (settings.tls() != null) {
      cluster.setTransportSocket(controlPlaneTls(settings.tls()));
    }
    return cluster
        .setName(name)
        .setType(IpAddress.isLiteral(host) ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
        .setConnectTimeout(EnvoyProtos.duration(settings.connectTimeout()))
        .putTypedExtensionProtocolOptions(EnvoyProtos.HTTP_PROTOCOL_OPTIONS_KEY, EnvoyProtos.http2Upstream())
        .setLoadAssignment(ClusterLoadAssignment.newBuilder()
            .setClusterName(name)
            .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder()
                    .setAddress(EnvoyProtos.socketAddress(host, upstream.port()))))))
        .build();
  }

  /**
   * The sidecar checks the controller's certificate against the CA given inline and the server name, which
   * it also sends as SNI; a man in the middle without the CA's key gets no configuration and no logs.
   */
  private static TransportSocket controlPlaneTls(BootstrapSettings.ControlPlaneTls tls) {
    UpstreamTlsContext context = UpstreamTlsContext.newBuilder()
        .setSni(tls.serverName())
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setInlineString(tls.caPem()))
                .addMatchTypedSubjectAltNames(SubjectAltNameMatcher.newBuilder()
                    .setSanType(SubjectAltNameMatcher.SanType.DNS)
                    .setMatcher(StringMatcher.newBuilder().setExact(tls.serverName())))))
        .build();
    return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
        .setTypedConfig(Any.pack(context)).build();
  }

  private static String print(JsonFormat.Printer printer, Bootstrap bootstrap) {
    try {
      return printer.print(bootstrap);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("every type in a bootstrap is registered", e);
    }
  }
}
