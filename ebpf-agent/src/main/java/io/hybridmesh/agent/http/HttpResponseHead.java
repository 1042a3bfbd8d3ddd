package io.hybridmesh.agent.http;

import java.util.List;

/** A status line plus the allow-listed headers; {@code startNs} as for {@link HttpRequestHead}. */
public record HttpResponseHead(int status, String protocol, List<Header> headers, long startNs) {

  public HttpResponseHead {
    headers = headers == null ? List.of() : List.copyOf(headers);
  }
}
