package io.hybridmesh.agent.http2;

/** Why something was refused or lost; each is counted per connection ({@link Http2Connection#drops}). */
public enum Http2Drop {
  /** A frame header no peer would send: taken as lost framing; the direction resynchronises. */
  FRAME_INVALID,
  /** Bytes began like the client preface but were not it. */
  PREFACE_INVALID,
  /** A direction's first call did not start on a frame boundary (seen mid-stream); it resynchronises. */
  MID_STREAM_START,
  /** Uncaptured bytes (the call's tail) went past the current frame: framing and HPACK state lost. */
  LOST_BYTES,
  /** A header block over {@link Http2Limits#maxHeaderBlockBytes()}. */
  HEADER_BLOCK_TOO_LARGE,
  /** A header block over {@link Http2Limits#maxContinuationFrames()}. */
  CONTINUATION_LIMIT,
  /** Another frame where the CONTINUATION of an unfinished header block had to be. */
  CONTINUATION_MISSING,
  /** A CONTINUATION frame with no header block to continue. */
  CONTINUATION_UNEXPECTED,
  /** A padded frame whose padding is longer than its payload. */
  PADDING_INVALID,
  /** A header block HPACK could not decode; the direction's table is then treated as missed. */
  HPACK_ERROR,
  /** A header block with references to table entries we never saw (its other fields were used). */
  HPACK_STATE_MISSED,
  /** A new stream beyond {@link Http2Limits#maxStreams()}. */
  STREAM_LIMIT,
  /** A stream open across lost bytes, evicted to make room for a new one. */
  STREAM_EVICTED,
  /** A header block before either end was known to be the client, without :method or :status to tell. */
  ROLE_UNKNOWN,
  /** A DATA frame or header block for a stream not tracked (dropped, ended, or begun before capture). */
  UNTRACKED_STREAM,
  /**
   * A header block that may not open a stream: not decoded, without :method (a request) or :status (a
   * response), or on a stream id the protocol rules out (a client's even or decreasing id, a response
   * for a stream above every request seen). Such blocks are what misread bytes look like.
   */
  IMPLAUSIBLE_STREAM,
  /** A SETTINGS value the protocol forbids. */
  SETTINGS_INVALID,
  /** A bug: an exception inside the parser, caught; the direction resynchronises. */
  INTERNAL_ERROR
}
