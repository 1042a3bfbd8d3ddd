package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TcHttpEvent;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.agent.http.HeadStart;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Service;

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
  public PendingFlow request(TcHttpEvent e, HeadStart.Request request) {
    HttpRecords.Entry http = httpRecords.of(request.head(), false);
    PendingL7Flow f = common(e, false);
    f.l7 = http.requestL7;
    f.trace = http.trace;
    return complete(f, request);
  }

  /** The response's flow, server to client, with its request's method and path, its status and latency. */
  public PendingFlow response(TcHttpEvent e, HeadStart.Request request, HttpResponseHead response) {
    HttpRecords.Entry http = httpRecords.of(request.head(), false);
    PendingL7Flow f = common(e, true);
    f.latencyNs = Math.max(0, e.responseNs() - e.requestNs());
    f.responseHttp = http.response(response);
    f.trace = http.trace;
    return complete(f, request);
  }

  private static PendingFlow complete(PendingL7Flow f, HeadStart.Request request) {
    if (request.lineCut() || request.headersCut()) {
      f.completeness = Completeness.newBuilder().setTruncated(request.lineCut()).setReason(HEAD_START_ONLY).build();
    }
    return f;
  }

  private PendingL7Flow common(TcHttpEvent e, boolean reply) {
    boolean localIsClient = e.localIsClient();
    // Requests go client to server; a reply goes back. The local end is the source when it sends.
    boolean localIsSource = localIsClient != reply;
    boolean clientIsSource = !reply;
    FlowTuple t = e.tuple();
    PendingL7Flow f = new PendingL7Flow(clock.toEpochNanos(reply ? e.responseNs() : e.requestNs()), emitter,
        nodeName, localIsSource ? ObservationPoint.FROM_ENDPOINT : ObservationPoint.TO_ENDPOINT, localIsClient,
        reply);
    Endpoint local = endpoints.local(e.endpointId());
    Endpoint remote = endpoints.byAddress(localIsClient ? t.destination() : t.source());
    Endpoint client = localIsClient ? local : remote;
    Endpoint server = localIsClient ? remote : local;
    f.source = clientIsSource ? client : server;
    f.destination = clientIsSource ? server : client;
    // The records orient the tuple from its first end, the client here.
    AddressRecords.Entry addresses = addressRecords.of(t);
    f.ip = addresses.ip(clientIsSource);
    f.l4 = addresses.l4(clientIsSource);
    Service service = endpoints.service(t.destination(), t.destinationPort());
    if (clientIsSource) {
      f.destinationService = service;
    } else {
      f.sourceService = service;
    }
    return f;
  }
}
