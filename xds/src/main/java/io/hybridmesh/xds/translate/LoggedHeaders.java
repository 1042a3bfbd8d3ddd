package io.hybridmesh.xds.translate;

import java.util.List;

/**
 * The headers and trailers every HTTP access logger asks Envoy for beyond its fixed fields, so that an entry
 * carries what a gRPC call's flow needs. One list for the translator that asks and the receiver that reads.
 * Envoy logs only what is named here (lower case) and leaves out names a message does not carry.
 */
public final class LoggedHeaders {

  /** Tells a gRPC call ({@code application/grpc*}) from other HTTP/2. */
  public static final String CONTENT_TYPE = "content-type";
  public static final String GRPC_STATUS = "grpc-status";
  public static final String GRPC_MESSAGE = "grpc-message";

  /** Into {@code HTTPRequestProperties.request_headers}. */
  public static final List<String> REQUEST = List.of(CONTENT_TYPE);
  /**
   * Into {@code HTTPResponseProperties.response_headers}: a trailers-only response (an error the server
   * answers at once, or one Envoy makes itself) sends its status in its only HEADERS frame.
   */
  public static final List<String> RESPONSE = List.of(GRPC_STATUS, GRPC_MESSAGE);
  /** Into {@code HTTPResponseProperties.response_trailers}: where a call that sent messages ends. */
  public static final List<String> TRAILERS = List.of(GRPC_STATUS, GRPC_MESSAGE);

  private LoggedHeaders() {}
}
