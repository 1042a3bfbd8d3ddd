package io.hybridmesh.xds.als;

import io.hybridmesh.api.flow.FlowIds;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogType;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.TCPAccessLogEntry;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Counters;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.EnvoyDetails;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.xds.translate.Names;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Envoy access-log entries to flows. Pure apart from the clock it is given (for entries without a start
 * time) and the random part of flow ids. An HTTP entry is one request and its response: an L7 SAMPLE flow,
 * with a {@code grpc} record beside {@code http} for a gRPC call ({@link AccessLogGrpc}).
 * A TCP entry is a connection, or a periodic report on one still open: an L3/L4 flow with counters.
 */
public final class AccessLogFlows {

  /** Header values never kept: they carry credentials. */
  private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
      "set-cookie", "x-api-key", "x-auth-token");
  static final String REDACTED = "[redacted]";

  private final LongSupplier clockMillis;

  public AccessLogFlows(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  Flow http(HTTPAccessLogEntry entry, AccessLogOrigin origin) {
    AccessLogCommon common = entry.getCommonProperties();
    Flow.Builder flow = common(common, origin).setType(FlowType.L7);
    HTTPRequestProperties request = entry.getRequest();
    HTTP.Builder http = HTTP.newBuilder()
        .setMethod(request.getRequestMethod() == RequestMethod.METHOD_UNSPECIFIED
            || request.getRequestMethod() == RequestMethod.UNRECOGNIZED ? "" : request.getRequestMethod().name())
        .setHost(request.getAuthority())
        .setPath(request.getPath())
        .setProtocol(protocol(entry.getProtocolVersion()))
        .setUserAgent(request.getUserAgent())
        .setRequestId(request.getRequestId())
        .setRequestBodyBytes(request.getRequestBodyBytes())
        .setResponseBodyBytes(entry.getResponse().getResponseBodyBytes());
    if (!request.getAuthority().isEmpty()) {
      String scheme = request.getScheme().isEmpty() ? "http" : request.getScheme();
      http.setUrl(scheme + "://" + request.getAuthority() + request.getPath());
    } else {
      http.setUrl(request.getPath());
    }
    boolean answered = entry.getResponse().hasResponseCode();
    if (answered) {
      http.setCode(entry.getResponse().getResponseCode().getValue());
    }
    request.getRequestHeadersMap().forEach((key, value) -> http.addHeaders(HTTPHeader.newBuilder()
        .setKey(key).setValue(SECRET_HEADERS.contains(key.toLowerCase(Locale.ROOT)) ? REDACTED : value)));
    long latencyNanos = common.hasTimeToLastDownstreamTxByte()
        ? Durations.toNanos(common.getTimeToLastDownstreamTxByte())
        : common.hasDuration() ? Durations.toNanos(common.getDuration()) : 0;
    Layer7.Builder l7 = Layer7.newBuilder().setType(L7FlowType.SAMPLE).setLatencyNs(latencyNanos).setHttp(http);
    AccessLogGrpc.Call grpc = AccessLogGrpc.of(entry);
    if (grpc != null) {
      l7.setGrpc(grpc.record());
      if (grpc.source() != null) {
        flow.putExtensions(AccessLogGrpc.SOURCE_EXTENSION, grpc.source().value());
      }
    }
    flow.setL7(l7);
    boolean intermediate = common.getAccessLogType() == AccessLogType.DownstreamPeriodic
        || common.getIntermediateLogEntry();
    boolean statusUnknown = grpc != null && grpc.source() == null;
    if (!answered || intermediate || statusUnknown || (grpc != null && grpc.messageCut())) {
      Completeness.Builder completeness = Completeness.newBuilder().setPartial(!answered || intermediate);
      if (grpc != null && grpc.messageCut()) {
        completeness.setTruncated(true);
      }
      if (statusUnknown) {
        completeness.setReason(AccessLogGrpc.STATUS_NOT_SEEN);
      }
      flow.setCompleteness(completeness);
    }
    if (!entry.getResponse().getResponseCodeDetails().isEmpty()) {
      flow.putExtensions("envoy.response_code_details", entry.getResponse().getResponseCodeDetails());
    }
    return flow.build();
  }

  Flow tcp(TCPAccessLogEntry entry, AccessLogOrigin origin) {
    AccessLogCommon common = entry.getCommonProperties();
    Flow.Builder flow = common(common, origin).setType(FlowType.L3_L4);
    Connection.Builder connection = Connection.newBuilder()
        // Envoy's downstream is the initiator, the flow's source: what it sent went to the destination.
        .setToDestination(Counters.newBuilder().setPayloadBytes(entry.getConnectionProperties().getReceivedBytes()))
        .setToSource(Counters.newBuilder().setPayloadBytes(entry.getConnectionProperties().getSentBytes()))
        .setInitiatorKnown(true);
    if (!common.getStreamId().isEmpty()) {
      connection.setId("envoy:" + common.getStreamId());
    }
    if (common.hasStartTime()) {
      connection.setStartTime(common.getStartTime());
    }
    AccessLogType type = common.getAccessLogType();
    switch (type) {
      case TcpUpstreamConnected -> connection.setState(ConnectionState.NEW);
      case TcpPeriodic -> connection.setState(ConnectionState.ACTIVE);
      default -> {
        connection.setState(ResponseFlagVerdicts.isReset(common.getResponseFlags())
            ? ConnectionState.RESET : ConnectionState.CLOSED);
        if (common.hasStartTime() && common.hasDuration()) {
          connection.setEndTime(Timestamps.add(common.getStartTime(), common.getDuration()));
        }
      }
    }
    flow.setConnection(connection);
    if (!common.getConnectionTerminationDetails().isEmpty()) {
      flow.putExtensions("envoy.connection_termination_details", common.getConnectionTerminationDetails());
    }
    return flow.build();
  }

  private Flow.Builder common(AccessLogCommon common, AccessLogOrigin origin) {
    Timestamp time = common.hasStartTime() ? common.getStartTime() : Timestamps.fromMillis(clockMillis.getAsLong());
    ObservationPoint point = origin.point() != ObservationPoint.OBSERVATION_POINT_UNKNOWN
        ? origin.point() : AccessLogOrigin.pointOfCluster(common.getUpstreamCluster());
    Flow.Builder flow = Flow.newBuilder()
        .setTime(time)
        .setUuid(FlowIds.next(Timestamps.toMillis(time)))
        .setEmitter(origin.emitter())
        .setNodeName(origin.identity().nodeName())
        .setObservationPoint(point)
        .setDataPath(DataPath.SIDECAR)
        // The flow's source is the connection's initiator; responses ride in the same record.
        .setIsReply(BoolValue.of(false));
    if (point == ObservationPoint.ENVOY_OUTBOUND) {
      flow.setReporter(Reporter.CLIENT).setTrafficDirection(TrafficDirection.EGRESS).setSource(origin.local());
      Service service = serviceOf(common.getUpstreamCluster());
      if (service != null) {
        flow.setDestinationService(service);
      }
    } else if (point == ObservationPoint.ENVOY_INBOUND) {
      flow.setReporter(Reporter.SERVER).setTrafficDirection(TrafficDirection.INGRESS).setDestination(origin.local());
    }
    FlowAddresses.fill(flow, common, point, origin.identity().podIps());
    ResponseFlagVerdicts.Outcome outcome = ResponseFlagVerdicts.of(common.getResponseFlags());
    flow.setVerdict(outcome.verdict()).setDropReason(outcome.reason());
    EnvoyDetails.Builder envoy = EnvoyDetails.newBuilder()
        .setUpstreamCluster(common.getUpstreamCluster())
        .setRouteName(common.getRouteName())
        .addAllResponseFlags(outcome.codes());
    if (!outcome.codes().isEmpty()) {
      flow.setDropReasonDesc(String.join(",", outcome.codes()));
    }
    if (common.getUpstreamRemoteAddress().hasSocketAddress()) {
      var upstream = common.getUpstreamRemoteAddress().getSocketAddress();
      envoy.setUpstreamHost(IpAddress.withPort(IpAddress.normalize(upstream.getAddress()), upstream.getPortValue()));
    }
    if (common.hasTimeToFirstUpstreamRxByte() && common.hasTimeToLastUpstreamTxByte()) {
      long service = Durations.toNanos(common.getTimeToFirstUpstreamRxByte())
          - Durations.toNanos(common.getTimeToLastUpstreamTxByte());
      envoy.setUpstreamServiceTimeNs(Math.max(0, service));
    }
    flow.setEnvoy(envoy);
    if (common.hasTlsProperties()) {
      flow.setTls(TlsFacts.of(common.getTlsProperties()));
    }
    if (!common.getUpstreamTransportFailureReason().isEmpty()) {
      flow.putExtensions("envoy.upstream_transport_failure_reason", common.getUpstreamTransportFailureReason());
    }
    return flow;
  }

  /** Our outbound cluster names end in the Service's host name: {@code outbound|80||name.ns.svc.<domain>}. */
  static Service serviceOf(String upstreamCluster) {
    if (!upstreamCluster.startsWith(Names.OUTBOUND_PREFIX)) {
      return null;
    }
    int bars = upstreamCluster.indexOf("||");
    if (bars < 0) {
      return null;
    }
    String host = upstreamCluster.substring(bars + 2);
    int firstDot = host.indexOf('.');
    int secondDot = firstDot < 0 ? -1 : host.indexOf('.', firstDot + 1);
    if (secondDot < 0 || !host.startsWith("svc.", secondDot + 1)) {
      return null;
    }
    return Service.newBuilder().setName(host.substring(0, firstDot))
        .setNamespace(host.substring(firstDot + 1, secondDot)).build();
  }

  private static String protocol(HTTPAccessLogEntry.HTTPVersion version) {
    return switch (version) {
      case HTTP10 -> "HTTP/1.0";
      case HTTP11 -> "HTTP/1.1";
      case HTTP2 -> "HTTP/2";
      case HTTP3 -> "HTTP/3";
      default -> "";
    };
  }
}
