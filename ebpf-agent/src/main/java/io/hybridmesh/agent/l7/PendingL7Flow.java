package io.hybridmesh.agent.l7;

import com.google.protobuf.BoolValue;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.flow.LazyFlow;
import io.hybridmesh.api.flow.FlowIds;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.Tls;
import io.hybridmesh.api.flow.v1.TraceContext;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;

/**
 * An L7 flow of the eBPF path as the event thread leaves it: every lookup done (endpoints, services, the
 * shared HTTP and address records, an id's random bits, the wall-clock time), the {@link Flow} message made
 * when it is first read. Building a flow was about a quarter of the event thread's time per event, and on
 * a node nobody observes no flow is ever read. The optional parts are set by the assembler that makes it,
 * on the event thread, before it is handed on, and never after; everything here is an immutable message or
 * a value, so it can be built on any thread.
 */
final class PendingL7Flow extends LazyFlow {

  private static final BoolValue IS_REPLY = BoolValue.of(true);
  private static final BoolValue NOT_REPLY = BoolValue.of(false);

  private final long epochNanos;
  private final long idRandom = FlowIds.random();
  private final Emitter emitter;
  private final String nodeName;
  private final ObservationPoint point;
  private final boolean localIsClient;
  private final boolean reply;

  long cgroupId;
  /** The TLS library's record, or null off TLS. */
  Tls tls;
  Endpoint source;
  Endpoint destination;
  IP ip;
  Layer4 l4;
  Service sourceService;
  Service destinationService;
  /** The whole L7 record, or null for a response made from {@link #responseHttp} and {@link #latencyNs}. */
  Layer7 l7;
  HTTP responseHttp;
  long latencyNs;
  TraceContext trace;
  Completeness completeness;

  PendingL7Flow(long epochNanos, Emitter emitter, String nodeName, ObservationPoint point, boolean localIsClient,
      boolean reply) {
    this.epochNanos = epochNanos;
    this.emitter = emitter;
    this.nodeName = nodeName;
    this.point = point;
    this.localIsClient = localIsClient;
    this.reply = reply;
  }

  /** Adds a reason to the flow's completeness (kept when it has one): what it could not see. */
  void addReason(String why) {
    Completeness c = completeness == null ? Completeness.getDefaultInstance() : completeness;
    String had = c.getReason();
    completeness = c.toBuilder().setReason(had.isEmpty() ? why : had + ", " + why).build();
  }

  @Override
  protected Flow build() {
    Flow.Builder f = Flow.newBuilder()
        .setTime(KernelClock.timestampOfEpochNanos(epochNanos))
        .setUuid(FlowIds.of(Math.floorDiv(epochNanos, 1_000_000L), idRandom))
        .setEmitter(emitter)
        .setNodeName(nodeName)
        .setObservationPoint(point)
        .setDataPath(DataPath.EBPF)
        .setType(FlowType.L7)
        .setVerdict(Verdict.FORWARDED)
        .setReporter(localIsClient ? Reporter.CLIENT : Reporter.SERVER)
        .setTrafficDirection(localIsClient ? TrafficDirection.EGRESS : TrafficDirection.INGRESS)
        .setIsReply(reply ? IS_REPLY : NOT_REPLY)
        .setCgroupId(cgroupId)
        .setL7(l7 != null ? l7 : Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(latencyNs)
            .setHttp(responseHttp).build());
    if (tls != null) {
      f.setTls(tls);
    }
    if (source != null) {
      f.setSource(source);
    }
    if (destination != null) {
      f.setDestination(destination);
    }
    if (ip != null) {
      f.setIp(ip);
    }
    if (l4 != null) {
      f.setL4(l4);
    }
    if (sourceService != null) {
      f.setSourceService(sourceService);
    }
    if (destinationService != null) {
      f.setDestinationService(destinationService);
    }
    if (trace != null) {
      f.setTraceContext(trace);
    }
    if (completeness != null) {
      f.setCompleteness(completeness);
    }
    return f.build();
  }
}
