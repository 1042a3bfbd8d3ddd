package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Header;

/** What is known of one open stream while it lasts. Mutable; owned by {@link Exchanges}. */
final class Http2Stream {

  /** The stream and its record objects, without the kept strings. */
  static final int FIXED_BYTES = 256;
  /** One kept header: the Header record and its name (shared) reference, without the value. */
  static final int HEADER_BYTES = 64;

  final int id;
  /** Null until the request headers are seen (and forever if they went by before capture). */
  Http2Request request;
  boolean requestEnded;
  Http2Response response;
  /** grpc-status and grpc-message as sent (trailers, or a trailers-only response). */
  String grpcStatus;
  String grpcMessage;
  boolean trailersOnly;
  Http2Unknown trailersUnknown;
  long requestBytes;
  long responseBytes;
  boolean grpc;
  /** Open when framing was lost on the connection: its end may have gone by unseen. */
  boolean suspect;

  Http2Stream(int id) {
    this.id = id;
  }

  long retainedBytes() {
    long b = FIXED_BYTES;
    Http2Request r = request;
    if (r != null) {
      b += len(r.method()) + len(r.path()) + len(r.authority()) + len(r.scheme()) + len(r.grpcService())
          + len(r.grpcMethod());
      for (Header h : r.headers()) {
        b += HEADER_BYTES + len(h.value());
      }
    }
    if (response != null) {
      for (Header h : response.headers()) {
        b += HEADER_BYTES + len(h.value());
      }
    }
    return b + len(grpcStatus) + len(grpcMessage);
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }
}
