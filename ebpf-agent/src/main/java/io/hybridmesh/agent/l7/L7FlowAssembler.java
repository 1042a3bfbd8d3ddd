package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.IpAddresses;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.flow.EndpointResolver;
import io.hybridmesh.api.flow.FlowIds;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.api.flow.v1.Completeness;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Process;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.Tls;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.flow.v1.TraceContext;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns HTTP heads read from TLS calls into L7 {@link Flow}s. Requests travel client to server,
 * responses server to client (and repeat their request's method and path, as Hubble's do); which end
 * is local follows from the observed process's role.
 */
public final class L7FlowAssembler {

  private static final Tls OPENSSL = Tls.newBuilder().setLibrary(TlsLibrary.OPENSSL).build();

  private final String nodeName;
  private final Emitter emitter;
  private final EndpointResolver endpoints;
  private final KernelClock clock;
  /** By pid and tid; bounded, least recently used out. Used by the event thread only. */
  private final Map<Long, LocalEndpoint> localEndpoints = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, LocalEndpoint> eldest) {
      return size() > 4096;
    }
  };

  public L7FlowAssembler(String nodeName, String version, EndpointResolver endpoints, KernelClock clock) {
    this.nodeName = nodeName;
    this.emitter = Emitter.newBuilder().setName("hybrid-mesh").setVersion(version)
        .setKind(EmitterKind.EBPF_UPROBE).build();
    this.endpoints = endpoints;
    this.clock = clock;
  }

  public Flow request(TlsEvent call, HttpEvent.RequestSeen seen) {
    Flow.Builder f = common(call, seen.role(), false);
    f.setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(http(seen.request())));
    traceContext(seen.request(), f);
    return f.build();
  }

  public Flow response(TlsEvent call, HttpEvent.ResponseSeen seen) {
    Flow.Builder f = common(call, seen.role(), true);
    HTTP.Builder http = seen.request() != null ? http(seen.request()) : HTTP.newBuilder();
    http.setCode(seen.response().status());
    if (http.getProtocol().isEmpty()) {
      http.setProtocol(seen.response().protocol());
    }
    f.setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(seen.latencyNs()).setHttp(http));
    if (seen.request() == null) {
      f.setCompleteness(Completeness.newBuilder().setPartial(true));
    } else {
      traceContext(seen.request(), f);
    }
    return f.build();
  }

  private Flow.Builder common(TlsEvent call, Role role, boolean reply) {
    Timestamp time = clock.toTimestamp(call.endNs());
    boolean localIsClient = role == Role.CLIENT;
    // Requests go client to server; a reply goes back. The local end is the source when it sends.
    boolean localIsSource = localIsClient != reply;
    Flow.Builder f = Flow.newBuilder()
        .setTime(time)
        .setUuid(FlowIds.next(time.getSeconds() * 1000 + time.getNanos() / 1_000_000))
        .setEmitter(emitter)
        .setNodeName(nodeName)
        .setObservationPoint(call.write() ? ObservationPoint.SSL_WRITE : ObservationPoint.SSL_READ)
        .setDataPath(DataPath.EBPF)
        .setType(FlowType.L7)
        .setVerdict(Verdict.FORWARDED)
        .setReporter(localIsClient ? Reporter.CLIENT : Reporter.SERVER)
        .setTrafficDirection(localIsClient ? TrafficDirection.EGRESS : TrafficDirection.INGRESS)
        .setIsReply(BoolValue.of(reply))
        .setTls(OPENSSL)
        .setCgroupId(call.cgroupId());

    Endpoint local = localEndpoint(call);
    FlowTuple t = call.tuple();
    Endpoint remote = t == null ? null : endpoints.byAddress(t.destination());
    Endpoint source = localIsSource ? local : remote;
    Endpoint destination = localIsSource ? remote : local;
    if (source != null) {
      f.setSource(source);
    }
    if (destination != null) {
      f.setDestination(destination);
    }
    if (t != null) {
      String localIp = IpAddresses.format(t.source());
      String remoteIp = IpAddresses.format(t.destination());
      f.setIp(IP.newBuilder()
          .setSource(localIsSource ? localIp : remoteIp)
          .setDestination(localIsSource ? remoteIp : localIp)
          .setIpVersion(t.isIpv6() ? IPVersion.IPv6 : IPVersion.IPv4));
      f.setL4(Layer4.newBuilder().setTcp(TCP.newBuilder()
          .setSourcePort(localIsSource ? t.sourcePort() : t.destinationPort())
          .setDestinationPort(localIsSource ? t.destinationPort() : t.sourcePort())));
      Service remoteService = endpoints.service(t.destination(), t.destinationPort());
      if (remoteService != null) {
        if (localIsSource) {
          f.setDestinationService(remoteService);
        } else {
          f.setSourceService(remoteService);
        }
      }
    }
    return f;
  }

  /**
   * The watched endpoint with the calling thread as its process. Built once per thread and kept (a
   * copy of the endpoint per flow was a fifth of the L7 path's time); rebuilt when the endpoint changes.
   */
  private Endpoint localEndpoint(TlsEvent call) {
    Endpoint known = endpoints.local(call.endpointId());
    long key = (long) call.pid() << 32 | (call.tid() & 0xffffffffL);
    LocalEndpoint cached = localEndpoints.get(key);
    if (cached != null && cached.base() == known && cached.endpointId() == call.endpointId()
        && cached.endpoint().getProcess().getComm().equals(call.comm())) {
      return cached.endpoint();
    }
    Endpoint.Builder b = known != null ? known.toBuilder() : Endpoint.newBuilder();
    Endpoint built = b.setProcess(Process.newBuilder().setPid(call.pid()).setTid(call.tid())
        .setComm(call.comm())).build();
    localEndpoints.put(key, new LocalEndpoint(call.endpointId(), known, built));
    return built;
  }

  private record LocalEndpoint(int endpointId, Endpoint base, Endpoint endpoint) {}

  private static HTTP.Builder http(HttpRequestHead r) {
    String target = r.target();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    HTTP.Builder h = HTTP.newBuilder().setMethod(r.method()).setProtocol(r.protocol());
    if (target.startsWith("/")) {
      h.setPath(path);
      h.setUrl(r.host() != null ? "https://" + r.host() + target : target);
    } else {
      h.setUrl(target); // absolute-form or authority-form
      h.setPath(path);
    }
    if (r.host() != null) {
      h.setHost(r.host());
    }
    for (Header header : r.headers()) {
      h.addHeaders(HTTPHeader.newBuilder().setKey(header.name()).setValue(header.value()));
      switch (header.name()) {
        case "user-agent" -> h.setUserAgent(header.value());
        case "x-request-id" -> h.setRequestId(header.value());
        default -> {
          // kept in headers only
        }
      }
    }
    return h;
  }

  /** W3C traceparent: version-traceid-spanid-flags. */
  private static void traceContext(HttpRequestHead r, Flow.Builder f) {
    for (Header h : r.headers()) {
      if (h.name().equals("traceparent")) {
        String[] parts = h.value().trim().split("-");
        if (parts.length == 4 && parts[1].length() == 32 && parts[2].length() == 16) {
          f.setTraceContext(TraceContext.newBuilder().setTraceId(parts[1]).setSpanId(parts[2])
              .setSampled(parts[3].endsWith("1")));
        }
        return;
      }
    }
  }
}
