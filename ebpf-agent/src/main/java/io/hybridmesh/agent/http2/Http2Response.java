package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Header;
import java.util.List;

/**
 * The final (non-1xx) response headers of one stream.
 *
 * @param status {@code :status}, or 0 when absent or unknown ({@code unknown} says which)
 * @param startNs timestamp of the call that carried the first byte of the HEADERS frame
 * @param unknown why some fields could not be decoded; null when the block decoded in full
 */
public record Http2Response(int status, List<Header> headers, long startNs, Http2Unknown unknown, boolean truncated) {

  public Http2Response {
    headers = headers == null ? List.of() : headers;
  }
}
