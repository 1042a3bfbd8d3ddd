package io.hybridmesh.agent.http;

import java.util.List;

/**
 * A request line plus the allow-listed headers. {@code host} is the Host header, or the authority of
 * an absolute-form target when there is no Host header, or null. {@code startNs} is the timestamp of
 * the call that carried the first byte of the request.
 */
public record HttpRequestHead(
    String method, String target, String host, String protocol, List<Header> headers, long startNs) {

  public HttpRequestHead {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }
}
