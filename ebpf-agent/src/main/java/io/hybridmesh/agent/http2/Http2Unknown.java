package io.hybridmesh.agent.http2;

/**
 * Why some of a message's fields (method, path, status, grpc-status...) are unknown. A field that is
 * null on a message with no reason was absent; with a reason, it may have been there and is not guessed.
 */
public enum Http2Unknown {
  /**
   * The header block referenced HPACK dynamic-table entries we never saw: the connection was first seen
   * mid-stream, or bytes were lost. Fields decoded from the rest of the block are given.
   */
  HPACK_STATE_MISSED,
  /** As above, but because the peer's table is larger than our cap: entries beyond it were not kept. */
  HPACK_TABLE_OVER_CAP,
  /** The header block could not be decoded (malformed, or not where we thought): nothing from it is used. */
  HPACK_ERROR,
  /** The header block was not decoded: over the size bound, too many CONTINUATION frames, or cut short. */
  HEADER_BLOCK_DROPPED,
  /** The message's headers were never seen: they went by before capture started or were lost. */
  HEADERS_NOT_SEEN
}
