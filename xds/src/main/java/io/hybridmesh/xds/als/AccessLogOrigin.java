package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.xds.translate.Names;

/**
 * What one access-log stream's entries have in common, worked out once from the stream's first message:
 * which sidecar sent them, from which listener, and the flow pieces that follow (emitter, local endpoint).
 *
 * <p>Direction comes from the log name, which the translator sets per listener ({@code outbound-http},
 * {@code inbound-tcp}, ...). A log name of another shape (an Envoy configured by hand) leaves the point
 * unknown here; the converter then tries each entry's upstream cluster ({@code outbound|...},
 * {@code inbound|...}, the passthrough clusters).
 */
record AccessLogOrigin(String nodeId, String logName, ObservationPoint point, Emitter emitter,
    SidecarIdentity identity, Endpoint local) {

  static final String EMITTER_NAME = "envoy";

  static AccessLogOrigin of(StreamAccessLogsMessage.Identifier identifier, SidecarIdentity identity) {
    Node node = identifier.getNode();
    Endpoint local = Endpoint.newBuilder()
        .setNamespace(identity.namespace())
        .setPodName(identity.pod())
        .addWorkloads(Workload.newBuilder().setName(identity.workload()).setKind(identity.workloadKind()))
        .build();
    Emitter emitter = Emitter.newBuilder()
        .setName(EMITTER_NAME)
        .setVersion(envoyVersion(node))
        .setKind(EmitterKind.ENVOY_ALS)
        .build();
    return new AccessLogOrigin(node.getId(), identifier.getLogName(), pointOfLogName(identifier.getLogName()),
        emitter, identity, local);
  }

  static ObservationPoint pointOfLogName(String logName) {
    if (logName.startsWith("outbound")) {
      return ObservationPoint.ENVOY_OUTBOUND;
    }
    if (logName.startsWith("inbound")) {
      return ObservationPoint.ENVOY_INBOUND;
    }
    return ObservationPoint.OBSERVATION_POINT_UNKNOWN;
  }

  static ObservationPoint pointOfCluster(String upstreamCluster) {
    if (upstreamCluster.startsWith(Names.OUTBOUND_PREFIX) || upstreamCluster.equals(Names.PASSTHROUGH_CLUSTER)) {
      return ObservationPoint.ENVOY_OUTBOUND;
    }
    if (upstreamCluster.startsWith(Names.INBOUND_PREFIX)
        || upstreamCluster.equals(Names.INBOUND_PASSTHROUGH_CLUSTER)) {
      return ObservationPoint.ENVOY_INBOUND;
    }
    return ObservationPoint.OBSERVATION_POINT_UNKNOWN;
  }

  private static String envoyVersion(Node node) {
    if (node.hasUserAgentBuildVersion() && node.getUserAgentBuildVersion().hasVersion()) {
      var v = node.getUserAgentBuildVersion().getVersion();
      return v.getMajorNumber() + "." + v.getMinorNumber() + "." + v.getPatch();
    }
    return node.getUserAgentVersion();
  }
}
