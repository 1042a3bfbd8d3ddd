package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Header;
import java.util.List;

/**
 * The request headers of one stream. A null field was absent if {@code unknown} is null; otherwise it
 * may have been sent and could not be decoded, for the reason given (never a guessed value).
 *
 * @param authority {@code :authority}, else the {@code host} header
 * @param headers the kept allow-listed headers (content-type, user-agent, x-request-id, traceparent...)
 * @param startNs timestamp of the call that carried the first byte of the HEADERS frame
 * @param truncated a kept value (the path, a header) was cut to its limit
 * @param pushed promised by the server (PUSH_PROMISE) rather than sent by the client
 * @param grpc {@code content-type: application/grpc*}
 * @param grpcService from a gRPC {@code :path} {@code /package.Service/Method}; null otherwise
 * @param grpcMethod likewise
 */
public record Http2Request(
    int streamId,
    String method,
    String path,
    String authority,
    String scheme,
    List<Header> headers,
    long startNs,
    Http2Unknown unknown,
    boolean truncated,
    boolean pushed,
    boolean grpc,
    String grpcService,
    String grpcMethod) {

  public Http2Request {
    headers = headers == null ? List.of() : headers;
  }
}
