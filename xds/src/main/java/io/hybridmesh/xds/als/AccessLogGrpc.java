package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.hybridmesh.api.flow.GrpcCalls;
import io.hybridmesh.api.flow.GrpcStatus;
import io.hybridmesh.api.flow.v1.GRPC;
import io.hybridmesh.xds.translate.LoggedHeaders;
import java.util.Locale;
import java.util.Map;

/**
 * The gRPC call in an HTTP access-log entry: the same {@code grpc} record the eBPF path's HTTP/2 parser
 * fills, read with the same rules ({@link GrpcCalls}) from what the translator asks Envoy to log
 * ({@link LoggedHeaders}). Envoy writes the entry when the stream ends, so a streaming call is one entry
 * with its final status. Pure.
 */
final class AccessLogGrpc {

  /** {@code grpc-message} kept, in its encoded form, as the HTTP/2 parser keeps it; cut beyond. */
  static final int MAX_MESSAGE_CHARS = 512;

  /** Where the status came from; the flow says it in {@link #SOURCE_EXTENSION}. */
  enum StatusSource {
    /** {@code grpc-status} in the response trailers: a call that ended after its response headers. */
    TRAILERS,
    /** {@code grpc-status} in the only response headers: a trailers-only response (often an error). */
    TRAILERS_ONLY,
    /** No {@code grpc-status} logged and an HTTP status other than 200: mapped as gRPC clients map it. */
    HTTP_STATUS;

    String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String SOURCE_EXTENSION = "envoy.grpc_status_source";
  /** {@code completeness.reason} of a call whose status cannot be told from its entry. */
  static final String STATUS_NOT_SEEN = "grpc_status_not_seen";

  /**
   * One call.
   *
   * @param source null when the status is not known (the record's status name is then empty)
   * @param messageCut whether {@code grpc-message} was longer than {@link #MAX_MESSAGE_CHARS}
   */
  record Call(GRPC record, StatusSource source, boolean messageCut) {}

  private AccessLogGrpc() {}

  /**
   * The call, or null when the entry is not gRPC: neither an {@code application/grpc*} request nor a
   * {@code grpc-status} in the response (a server may answer with one even where the request's type was
   * not logged).
   */
  static Call of(HTTPAccessLogEntry entry) {
    HTTPResponseProperties response = entry.getResponse();
    String trailerStatus = header(response.getResponseTrailersMap(), LoggedHeaders.GRPC_STATUS);
    String headerStatus = header(response.getResponseHeadersMap(), LoggedHeaders.GRPC_STATUS);
    boolean grpc = GrpcCalls.isGrpc(header(entry.getRequest().getRequestHeadersMap(), LoggedHeaders.CONTENT_TYPE))
        || trailerStatus != null || headerStatus != null;
    if (!grpc) {
      return null;
    }
    GRPC.Builder g = GRPC.newBuilder();
    String path = entry.getRequest().getPath();
    if (GrpcCalls.service(path) != null) {
      g.setService(GrpcCalls.service(path)).setMethod(GrpcCalls.method(path));
    }
    int fromTrailers = GrpcCalls.parseStatus(trailerStatus);
    int fromHeaders = GrpcCalls.parseStatus(headerStatus);
    int http = response.hasResponseCode() ? response.getResponseCode().getValue() : 0;
    int code;
    StatusSource source;
    String rawMessage;
    if (fromTrailers >= 0) {
      code = fromTrailers;
      source = StatusSource.TRAILERS;
      rawMessage = header(response.getResponseTrailersMap(), LoggedHeaders.GRPC_MESSAGE);
    } else if (fromHeaders >= 0) {
      code = fromHeaders;
      source = StatusSource.TRAILERS_ONLY;
      rawMessage = header(response.getResponseHeadersMap(), LoggedHeaders.GRPC_MESSAGE);
    } else if (http != 0 && http != 200) {
      code = GrpcCalls.fromHttpStatus(http);
      source = StatusSource.HTTP_STATUS;
      rawMessage = null;
    } else {
      // A 200 without grpc-status (a stream reset before its trailers, a server that sent none) or no
      // response at all: not guessed. The entry's response flags still tell a reset.
      return new Call(g.build(), null, false);
    }
    g.setStatusCode(code).setStatusName(GrpcStatus.name(code));
    boolean cut = rawMessage != null && rawMessage.length() > MAX_MESSAGE_CHARS;
    if (rawMessage != null) {
      g.setMessage(GrpcCalls.percentDecode(cut ? rawMessage.substring(0, MAX_MESSAGE_CHARS) : rawMessage));
    }
    return new Call(g.build(), source, cut);
  }

  /**
   * A logged header's value, or null. Envoy logs the names as configured, lower case; a hand-written
   * configuration may spell them otherwise, and header names are case-insensitive.
   */
  private static String header(Map<String, String> headers, String name) {
    String exact = headers.get(name);
    if (exact != null || headers.isEmpty()) {
      return exact;
    }
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
