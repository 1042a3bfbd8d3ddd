package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.flow.PendingFlow;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.agent.http2.GrpcStatus;
import io.hybridmesh.agent.http2.Http2End;
import io.hybridmesh.agent.http2.Http2Event;
import io.hybridmesh.agent.http2.Http2Exchange;
import io.hybridmesh.agent.http2.Http2Request;
import io.hybridmesh.agent.http2.Http2Unknown;
import io.hybridmesh.api.flow.v1.GRPC;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Process;
import io.hybridmesh.api.flow.v1.Tls;
import io.hybridmesh.api.flow.v1.TlsLibrary;

/**
 * Turns HTTP heads read from TLS calls, or from a plaintext socket's calls, into L7 flows (a flow says which:
 * its observation point, its emitter's kind, and a {@code tls} record for TLS only). Requests travel client
 * to server, responses server to client (and repeat their request's method and path, as Hubble's do); which
 * end is local follows from the observed process's role. The lookups are done here, on the event thread; the
 * flow's message is built when it is first read ({@link PendingL7Flow}).
 */
public final class L7FlowAssembler {

  private static final Tls GO = Tls.newBuilder().setLibrary(TlsLibrary.GO_CRYPTO_TLS).build();
  /** One record per library, shared by every flow, by the enum's ordinal. */
  private static final Tls[] BY_LIBRARY = Arrays.stream(TlsLibrary.values()).filter(l -> l != TlsLibrary.UNRECOGNIZED)
      .map(l -> Tls.newBuilder().setLibrary(l).build()).toArray(Tls[]::new);
  private static final Completeness PARTIAL = Completeness.newBuilder().setPartial(true).build();
  private static final int LOCAL_SLOTS = 4096;
  /** The reason of a flow whose call came without its connection: no socket seen inside the TLS call. */
  public static final String NO_SOCKET = "no_socket_in_tls_call";

  private final String nodeName;
  private final Emitter emitter;
  private final Emitter socketEmitter;
  private final EndpointResolver endpoints;
  private final KernelClock clock;
  /** The library the probes of a process are on (pid in): OpenSSL's API is read the same in each. */
  private final IntFunction<TlsLibrary> libraryOf;
  private final HttpRecords httpRecords = new HttpRecords();
  private final AddressRecords addressRecords = new AddressRecords();
  /**
   * By pid and tid, direct-mapped (a thread whose slot is taken is built again when it next calls):
   * bounded, and an array read per flow instead of a boxed key in a linked map. Event thread only.
   */
  private final LocalEndpoint[] localEndpoints = new LocalEndpoint[LOCAL_SLOTS];
  private final AtomicLong withoutConnection = new AtomicLong();

  /** Labels every TLS-library flow OpenSSL: for tests whose calls are not of a probed process. */
  public L7FlowAssembler(String nodeName, String version, EndpointResolver endpoints, KernelClock clock) {
    this(nodeName, version, endpoints, clock, pid -> TlsLibrary.OPENSSL);
  }

  public L7FlowAssembler(String nodeName, String version, EndpointResolver endpoints, KernelClock clock,
      IntFunction<TlsLibrary> libraryOf) {
    this.libraryOf = libraryOf;
    this.nodeName = nodeName;
    this.emitter = Emitter.newBuilder().setName("hybrid-mesh").setVersion(version)
        .setKind(EmitterKind.EBPF_UPROBE).build();
    this.socketEmitter = emitter.toBuilder().setKind(EmitterKind.EBPF_TRACEPOINT).build();
    this.endpoints = endpoints;
    this.clock = clock;
  }

  public PendingFlow request(TlsEvent call, HttpEvent.RequestSeen seen) {
    PendingL7Flow f = common(call, seen.role(), false);
    HttpRecords.Entry http = httpRecords.of(seen.request(), !call.socket());
    f.l7 = http.requestL7;
    f.trace = http.trace;
    return done(f, call);
  }

  public PendingFlow response(TlsEvent call, HttpEvent.ResponseSeen seen) {
    PendingL7Flow f = common(call, seen.role(), true);
    f.latencyNs = seen.latencyNs();
    if (seen.request() == null) {
      f.responseHttp = HTTP.newBuilder().setCode(seen.response().status()).setProtocol(seen.response().protocol())
          .build();
      f.completeness = PARTIAL;
    } else {
      HttpRecords.Entry http = httpRecords.of(seen.request(), !call.socket());
      f.responseHttp = http.response(seen.response());
      f.trace = http.trace;
    }
    return done(f, call);
  }

  /**
   * An HTTP/2 request: as an HTTP/1.x one, with protocol {@code HTTP/2}, the host from {@code :authority},
   * and a {@code grpc} record (service, method) beside {@code http} for a gRPC call. Fields that could not
   * be decoded are left empty and {@code completeness.reason} says why.
   */
  public PendingFlow request(TlsEvent call, Http2Event.RequestSeen seen) {
    Http2Request r = seen.request();
    PendingL7Flow f = common(call, seen.role(), false);
    HttpRecords.Entry http = httpRecords.of(head(r), !call.socket());
    f.l7 = r.grpc() ? http.requestL7.toBuilder().setGrpc(grpc(r, null)).build() : http.requestL7;
    f.trace = http.trace;
    if (r.unknown() != null || r.truncated()) {
      Completeness.Builder c = Completeness.newBuilder().setTruncated(r.truncated());
      if (r.unknown() != null) {
        c.setReason(name(r.unknown()));
      }
      f.completeness = c.build();
    }
    return done(f, call);
  }

  /**
   * The end of an HTTP/2 stream: a RESPONSE flow with the request's method, path and host, the status,
   * latency to the response headers, and for gRPC the status from the trailers. A stream whose request
   * or response was not seen is partial, and {@code completeness.reason} says what is missing, as it
   * says how a stream ended other than complete (reset, refused, cut).
   */
  public PendingFlow response(TlsEvent call, Http2Event.ExchangeEnded ended) {
    Http2Exchange x = ended.exchange();
    PendingL7Flow f = common(call, ended.role(), true);
    Layer7.Builder l7 = Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(Math.max(0, x.latencyNs()));
    HTTP.Builder h;
    if (x.request() != null) {
      HttpRecords.Entry http = httpRecords.of(head(x.request()), !call.socket());
      h = http.http.toBuilder();
      f.trace = http.trace;
    } else {
      h = HTTP.newBuilder().setProtocol(HTTP2);
    }
    if (x.response() != null) {
      h.setCode(Math.max(0, x.response().status()));
    }
    l7.setHttp(h.setRequestBodyBytes(x.requestBytes()).setResponseBodyBytes(x.responseBytes()));
    if (x.grpc()) {
      l7.setGrpc(grpc(x.request(), x.grpcStatus()));
    }
    f.l7 = l7.build();
    StringBuilder why = new StringBuilder();
    if (x.request() == null) {
      reason(why, name(Http2Unknown.HEADERS_NOT_SEEN) + " (request)");
    } else if (x.request().unknown() != null) {
      reason(why, name(x.request().unknown()) + " (request)");
    }
    if (x.response() != null && x.response().unknown() != null) {
      reason(why, name(x.response().unknown()) + " (response)");
    }
    if (x.trailersUnknown() != null) {
      reason(why, name(x.trailersUnknown()) + " (trailers)");
    }
    if (x.end() != null && x.end() != Http2End.COMPLETE) {
      reason(why, x.end().name().toLowerCase(Locale.ROOT) + (x.errorName() == null ? "" : " " + x.errorName()));
    }
    // A stream whose end was not on the wire (its connection closed or was dropped first) is incomplete even
    // when both heads were seen: a streaming response may have had more to say.
    boolean partial = x.request() == null || x.response() == null || (x.end() != null && !x.end().seen());
    boolean truncated = (x.request() != null && x.request().truncated())
        || (x.response() != null && x.response().truncated());
    if (partial || truncated || why.length() > 0) {
      f.completeness = Completeness.newBuilder().setPartial(partial).setTruncated(truncated)
          .setReason(why.toString()).build();
    }
    return done(f, call);
  }

  /** L7 flows of TLS calls that came without their connection ({@link #NO_SOCKET}). */
  public long flowsWithoutConnection() {
    return withoutConnection.get();
  }

  /**
   * The flow, saying so in {@code completeness.reason} when its TLS call came without the connection: a
   * library that hands its ciphertext to the application in memory (netty-tcnative's BoringSSL, Node.js)
   * does no socket I/O inside the call, so the kernel saw no socket and the flow has no addresses, only its
   * process. Its request and response are complete; what is missing is where they went.
   */
  private PendingFlow done(PendingL7Flow f, TlsEvent call) {
    if (call.tuple() == null && !call.socket()) {
      withoutConnection.incrementAndGet();
      f.addReason(NO_SOCKET);
    }
    return f;
  }

  private static final String HTTP2 = "HTTP/2";

  /** The request as an HTTP/1.x head, so that both share one way to a flow's HTTP record. */
  private static HttpRequestHead head(Http2Request r) {
    return new HttpRequestHead(r.method() == null ? "" : r.method(), r.path() == null ? "" : r.path(),
        r.authority(), HTTP2, r.headers(), r.startNs());
  }

  private static GRPC grpc(Http2Request r, GrpcStatus status) {
    GRPC.Builder g = GRPC.newBuilder();
    if (r != null && r.grpcService() != null) {
      g.setService(r.grpcService());
    }
    if (r != null && r.grpcMethod() != null) {
      g.setMethod(r.grpcMethod());
    }
    if (status != null) {
      g.setStatusCode(Math.max(0, status.code())).setStatusName(status.name());
      if (status.message() != null) {
        g.setMessage(status.message());
      }
    }
    return g.build();
  }

  private static String name(Http2Unknown u) {
    return u.name().toLowerCase(Locale.ROOT);
  }

  private static void reason(StringBuilder b, String r) {
    if (b.length() > 0) {
      b.append(", ");
    }
    b.append(r);
  }

  private PendingL7Flow common(TlsEvent call, Role role, boolean reply) {
    boolean localIsClient = role == Role.CLIENT;
    // Requests go client to server; a reply goes back. The local end is the source when it sends.
    boolean localIsSource = localIsClient != reply;
    PendingL7Flow f = new PendingL7Flow(clock.toEpochNanos(call.endNs()), call.socket() ? socketEmitter : emitter,
        nodeName, observationPoint(call), localIsClient, reply);
    f.cgroupId = call.cgroupId();
    if (!call.socket()) {
      f.tls = call.go() ? GO : BY_LIBRARY[libraryOf.apply(call.pid()).ordinal()];
    }

    Endpoint local = localEndpoint(call);
    FlowTuple t = call.tuple();
    Endpoint remote = t == null ? null : endpoints.byAddress(t.destination());
    f.source = localIsSource ? local : remote;
    f.destination = localIsSource ? remote : local;
    if (t != null) {
      AddressRecords.Entry addresses = addressRecords.of(t);
      f.ip = addresses.ip(localIsSource);
      f.l4 = addresses.l4(localIsSource);
      Service remoteService = endpoints.service(t.destination(), t.destinationPort());
      if (localIsSource) {
        f.destinationService = remoteService;
      } else {
        f.sourceService = remoteService;
      }
    }
    return f;
  }

  private static ObservationPoint observationPoint(TlsEvent call) {
    if (call.socket()) {
      return call.write() ? ObservationPoint.SOCKET_WRITE : ObservationPoint.SOCKET_READ;
    }
    return call.write() ? ObservationPoint.SSL_WRITE : ObservationPoint.SSL_READ;
  }

  /**
   * The watched endpoint with the calling thread as its process. Built once per thread and kept (a
   * copy of the endpoint per flow was a fifth of the L7 path's time); rebuilt when the endpoint changes.
   */
  private Endpoint localEndpoint(TlsEvent call) {
    Endpoint known = endpoints.local(call.endpointId());
    long key = (long) call.pid() << 32 | (call.tid() & 0xffffffffL);
    int slot = (int) (key ^ (key >>> 29) ^ (key >>> 43)) & (LOCAL_SLOTS - 1);
    LocalEndpoint cached = localEndpoints[slot];
    if (cached != null && cached.key() == key && cached.base() == known && cached.endpointId() == call.endpointId()
        && cached.endpoint().getProcess().getComm().equals(call.comm())) {
      return cached.endpoint();
    }
    Endpoint.Builder b = known != null ? known.toBuilder() : Endpoint.newBuilder();
    Endpoint built = b.setProcess(Process.newBuilder().setPid(call.pid()).setTid(call.tid())
        .setComm(call.comm())).build();
    localEndpoints[slot] = new LocalEndpoint(key, call.endpointId(), known, built);
    return built;
  }

  private record LocalEndpoint(long key, int endpointId, Endpoint base, Endpoint endpoint) {}
}
