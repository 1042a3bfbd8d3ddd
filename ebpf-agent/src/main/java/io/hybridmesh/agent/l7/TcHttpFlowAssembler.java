package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TcHttpEvent;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.http.HeadStart;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.api.flow.FlowIds;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;

/**
 * Turns an exchange the TC programs read ({@code --plaintext tc}) into the two L7 flows the other readers give
 * for it: a REQUEST at the time its first segment passed the interface, and a RESPONSE with the status and the
 * latency between the two segments. The flows have no process (packets carry none) and say what the reader
 * could not see: headers past the head's first bytes ({@link #HEAD_START_ONLY}), a request line cut by them
 * (truncated). Pure but for the endpoint lookups; event thread only.
 */
public final class TcHttpFlowAssembler {

  /**
   * The reason on a flow whose request head went on past the bytes the TC programs keep: its headers beyond
   * them were not read.
   */
  public static final String HEAD_START_ONLY = "tc_head_start_only";

  private static final BoolValue IS_REPLY = BoolValue.of(true);
  private static final BoolValue NOT_REPLY = BoolValue.of(false);

  private final String nodeName;
  private final Emitter emitter;
  private final EndpointResolver endpoints;
  private final KernelClock clock;
  private final HttpRecords httpRecords = new HttpRecords();
  private final AddressRecords addressRecords = new AddressRecords();

  public TcHttpFlowAssembler(String nodeName, String version, EndpointResolver endpoints, KernelClock clock) {
    this.nodeName = nodeName;
    this.emitter = Emitter.newBuilder().setName("hybrid-mesh").setVersion(version).setKind(EmitterKind.EBPF_TC)
        .build();
    this.endpoints = endpoints;
    this.clock = clock;
  }

  /** The request's flow, client to server. */
  public Flow request(TcHttpEvent e, HeadStart.Request request) {
    HttpRecords.Entry http = httpRecords.of(request.head(), false);
    Flow.Builder f = common(e, false).setL7(http.requestL7);
    if (http.trace != null) {
      f.setTraceContext(http.trace);
    }
    return complete(f, request);
  }

  /** The response's flow, server to client, with its request's method and path, its status and latency. */
  public Flow response(TcHttpEvent e, HeadStart.Request request, HttpResponseHead response) {
    HttpRecords.Entry http = httpRecords.of(request.head(), false);
    Flow.Builder f = common(e, true).setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE)
        .setLatencyNs(Math.max(0, e.responseNs() - e.requestNs())).setHttp(http.response(response)));
    if (http.trace != null) {
      f.setTraceContext(http.trace);
    }
    return complete(f, request);
  }

  private static Flow complete(Flow.Builder f, HeadStart.Request request) {
    if (request.lineCut() || request.headersCut()) {
      f.setCompleteness(Completeness.newBuilder().setTruncated(request.lineCut()).setReason(HEAD_START_ONLY));
    }
    return f.build();
  }

  private Flow.Builder common(TcHttpEvent e, boolean reply) {
    Timestamp time = clock.toTimestamp(reply ? e.responseNs() : e.requestNs());
    boolean localIsClient = e.localIsClient();
    // Requests go client to server; a reply goes back. The local end is the source when it sends.
    boolean localIsSource = localIsClient != reply;
    boolean clientIsSource = !reply;
    FlowTuple t = e.tuple();
    Flow.Builder f = Flow.newBuilder()
        .setTime(time)
        .setUuid(FlowIds.next(time.getSeconds() * 1000 + time.getNanos() / 1_000_000))
        .setEmitter(emitter)
        .setNodeName(nodeName)
        .setObservationPoint(localIsSource ? ObservationPoint.FROM_ENDPOINT : ObservationPoint.TO_ENDPOINT)
        .setDataPath(DataPath.EBPF)
        .setType(FlowType.L7)
        .setVerdict(Verdict.FORWARDED)
        .setReporter(localIsClient ? Reporter.CLIENT : Reporter.SERVER)
        .setTrafficDirection(localIsClient ? TrafficDirection.EGRESS : TrafficDirection.INGRESS)
        .setIsReply(reply ? IS_REPLY : NOT_REPLY);
    Endpoint local = endpoints.local(e.endpointId());
    Endpoint remote = endpoints.byAddress(localIsClient ? t.destination() : t.source());
    Endpoint client = localIsClient ? local : remote;
    Endpoint server = localIsClient ? remote : local;
    Endpoint source = clientIsSource ? client : server;
    Endpoint destination = clientIsSource ? server : client;
    if (source != null) {
      f.setSource(source);
    }
    if (destination != null) {
      f.setDestination(destination);
    }
    // The records orient the tuple from its first end, the client here.
    AddressRecords.Entry addresses = addressRecords.of(t);
    f.setIp(addresses.ip(clientIsSource));
    f.setL4(addresses.l4(clientIsSource));
    Service service = endpoints.service(t.destination(), t.destinationPort());
    if (service != null) {
      if (clientIsSource) {
        f.setDestinationService(service);
      } else {
        f.setSourceService(service);
      }
    }
    return f;
  }
}
