package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.Role;

/**
 * What an {@link Http2Connection} reports, in order. {@code role} is which end the observed process is.
 * A REQUEST flow comes from {@link RequestSeen}, a RESPONSE flow (request, response, status, latency,
 * sizes, gRPC status) from {@link ExchangeEnded}, which a streaming call emits at its trailers.
 */
public sealed interface Http2Event {

  /** Request headers complete on a stream. */
  record RequestSeen(Http2Request request, Role role) implements Http2Event {}

  /** A stream is over: completed, reset, refused, or cut by the end of the connection. */
  record ExchangeEnded(Http2Exchange exchange, Role role) implements Http2Event {}

  /** A GOAWAY from {@code direction}'s sender: streams above {@code lastStreamId} it never processed. */
  record GoAwaySeen(Direction direction, int lastStreamId, long errorCode) implements Http2Event {}

  /**
   * A direction lost its framing, or was first seen mid-stream: {@code bytes} were discarded (this call's
   * rest and its uncaptured tail). Later discarded bytes are only counted; the HPACK state of the
   * direction is no longer complete, which messages then say with {@link Http2Unknown}.
   */
  record Unparsed(Direction direction, Http2Drop reason, long bytes) implements Http2Event {}
}
