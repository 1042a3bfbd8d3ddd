package io.hybridmesh.agent.http2;

/**
 * The status of a gRPC call.
 *
 * @param code the gRPC status code (0 OK ... 16 UNAUTHENTICATED)
 * @param name its name, e.g. {@code NOT_FOUND}
 * @param message {@code grpc-message}, percent-decoded (bounded); null when absent
 * @param source where the code comes from
 */
public record GrpcStatus(int code, String name, String message, Source source) {

  public enum Source {
    /** {@code grpc-status} in the trailers (a HEADERS with END_STREAM after the response headers). */
    TRAILERS,
    /** {@code grpc-status} in a trailers-only response (the only response HEADERS, with END_STREAM). */
    TRAILERS_ONLY,
    /** No {@code grpc-status}: mapped from a non-200 {@code :status} as gRPC clients do. */
    HTTP_STATUS,
    /** No {@code grpc-status}: mapped from the RST_STREAM error code as gRPC clients do. */
    RST_STREAM,
    /** The response ended without {@code grpc-status}: UNKNOWN, as gRPC clients report it. */
    MISSING
  }
}
