package io.hybridmesh.agent.http2;

/**
 * One stream from its request to its end: what the response flow of an HTTP/2 or gRPC call carries.
 *
 * @param request null when the request headers were never seen (the stream began before capture, its
 *     bytes were lost, or it was dropped at the stream limit)
 * @param response null when the stream ended before a final response
 * @param requestComplete the client ended its side (END_STREAM seen)
 * @param requestBytes DATA payload sent by the client (padding excluded)
 * @param responseBytes DATA payload sent by the server
 * @param endNs timestamp of the call that ended the stream
 * @param latencyNs response headers' start minus request's start, as HTTP/1's; 0 when either is unknown
 * @param durationNs end minus request's start (for a streaming call, its whole life); 0 when unknown
 * @param errorCode the RST_STREAM or GOAWAY error code, -1 when there was none
 * @param grpc the request or response said {@code application/grpc*}, or trailers had grpc-status
 * @param grpcStatus the call's status; null when not gRPC or not known
 * @param trailersUnknown why the trailers (grpc-status) could not be read, when that is the case
 */
public record Http2Exchange(
    int streamId,
    Http2Request request,
    Http2Response response,
    boolean requestComplete,
    long requestBytes,
    long responseBytes,
    long endNs,
    long latencyNs,
    long durationNs,
    Http2End end,
    long errorCode,
    boolean grpc,
    GrpcStatus grpcStatus,
    Http2Unknown trailersUnknown) {

  /** The error code's name (RFC 9113 §7), or null when there was none. */
  public String errorName() {
    return errorCode < 0 ? null : Http2Frames.errorName(errorCode);
  }
}
