package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.HttpResponseHead;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.HTTPHeader;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.TraceContext;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP parts of L7 flows, built once per distinct request head and shared by every flow that
 * carries the same head (protobuf messages are immutable). A keep-alive connection, and a load
 * generator's many connections, send the same head over and over; building its HTTP record, headers,
 * URL and trace context anew for each of the four flows of an exchange was a large part of the L7
 * path, and sharing also keeps the flow ring smaller. Direct-mapped and bounded ({@link #SLOTS}
 * entries, each one head); used by the event thread only.
 */
final class HttpRecords {

  private static final int SLOTS = 256;

  private final Entry[] slots = new Entry[SLOTS];

  /** What is built for one request head; the request's start time is not part of it. */
  static final class Entry {
    private final HttpRequestHead head;
    private final boolean tls;
    final HTTP http;
    /** The request's L7 record ({@link L7FlowType#REQUEST}, no latency). */
    final Layer7 requestL7;
    /** From a W3C traceparent header, or null. */
    final TraceContext trace;
    private int responseCode;
    private String responseProtocol;
    private HTTP response;

    private Entry(HttpRequestHead head, boolean tls) {
      this.head = head;
      this.tls = tls;
      this.http = http(head, tls);
      this.requestL7 = Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(http).build();
      this.trace = traceContext(head);
    }

    /** The request's record with the response's status, as a response flow carries it. */
    HTTP response(HttpResponseHead r) {
      if (response == null || responseCode != r.status() || !Objects.equals(responseProtocol, r.protocol())) {
        HTTP.Builder h = http.toBuilder().setCode(r.status());
        if (h.getProtocol().isEmpty()) {
          h.setProtocol(r.protocol());
        }
        response = h.build();
        responseCode = r.status();
        responseProtocol = r.protocol();
      }
      return response;
    }
  }

  /**
   * The entry for a request head read inside TLS ({@code tls}: its URL says https) or at a plaintext
   * socket (http), built when no entry for an equal head from the same kind of connection is held. The slot follows the
   * identity of the target String, which the parser shares between repeats of a head on a connection:
   * cheaper than hashing the head's content, and equal heads from other connections only cost an entry
   * each.
   */
  Entry of(HttpRequestHead r, boolean tls) {
    int h = System.identityHashCode(r.target());
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    Entry e = slots[slot];
    if (e == null || e.tls != tls || !sameHead(e.head, r)) {
      e = new Entry(r, tls);
      slots[slot] = e;
    }
    return e;
  }

  /** Equal in everything a flow shows; the parser shares its Strings between repeats, so mostly by reference. */
  private static boolean sameHead(HttpRequestHead a, HttpRequestHead b) {
    return Objects.equals(a.method(), b.method()) && Objects.equals(a.target(), b.target())
        && Objects.equals(a.host(), b.host()) && Objects.equals(a.protocol(), b.protocol())
        && a.headers().equals(b.headers());
  }

  private static HTTP http(HttpRequestHead r, boolean tls) {
    String target = r.target();
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    HTTP.Builder h = HTTP.newBuilder().setMethod(r.method()).setProtocol(r.protocol());
    if (target.startsWith("/")) {
      h.setPath(path);
      h.setUrl(r.host() != null ? (tls ? "https://" : "http://") + r.host() + target : target);
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
    return h.build();
  }

  /** W3C traceparent: version-traceid-spanid-flags. */
  private static TraceContext traceContext(HttpRequestHead r) {
    List<Header> headers = r.headers();
    for (Header h : headers) {
      if (h.name().equals("traceparent")) {
        String[] parts = h.value().trim().split("-");
        if (parts.length == 4 && parts[1].length() == 32 && parts[2].length() == 16) {
          return TraceContext.newBuilder().setTraceId(parts[1]).setSpanId(parts[2])
              .setSampled(parts[3].endsWith("1")).build();
        }
        return null;
      }
    }
    return null;
  }
}
