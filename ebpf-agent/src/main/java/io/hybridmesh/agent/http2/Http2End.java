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
  EVICTED,
  /**
   * Still open when the agent stopped following the connection, idle past its idle timeout: an end that
   * comes later goes unseen.
   */
  CONNECTION_IDLE_EVICTED,
  /** Still open when the agent dropped the connection to keep HTTP/2 state within its memory budget. */
  CONNECTION_MEMORY_EVICTED,
  /** Still open when the connection was the least recently used of more than the agent follows at once. */
  CONNECTION_TABLE_EVICTED,
  /**
   * Still open when the connection's TLS object turned up on another connection: this one ended, its end
   * unseen.
   */
  CONNECTION_REPLACED;

  /** The stream's end was on the wire (its last frame, a reset, a GOAWAY), not inferred from losing sight of it. */
  public boolean seen() {
    return this == COMPLETE || this == RESET_BY_CLIENT || this == RESET_BY_SERVER || this == REFUSED_BY_GOAWAY;
  }
}
