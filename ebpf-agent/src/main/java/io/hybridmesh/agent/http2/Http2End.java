package io.hybridmesh.agent.http2;

/** How a stream's exchange ended. */
public enum Http2End {
  /** The responder ended its side (END_STREAM on the response, after trailers if any). */
  COMPLETE,
  /** RST_STREAM from the client (a cancelled call). */
  RESET_BY_CLIENT,
  /** RST_STREAM from the server. */
  RESET_BY_SERVER,
  /** Beyond the last stream a GOAWAY said was processed: it never was. */
  REFUSED_BY_GOAWAY,
  /** Still open when the connection closed. */
  CONNECTION_CLOSED,
  /** Open across lost bytes and evicted at the stream limit: its end was probably missed. */
  EVICTED
}
