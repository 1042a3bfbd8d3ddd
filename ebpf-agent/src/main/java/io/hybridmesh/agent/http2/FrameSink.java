package io.hybridmesh.agent.http2;

/**
 * What a {@link FrameReader} reports, in stream order. Timestamps are those of the call that carried
 * the frame's first byte (header blocks), or that completed the frame (everything else).
 */
interface FrameSink {

  /**
   * The direction's first bytes are on a frame boundary: the client preface, or frames that are
   * plausible from the first byte on ({@code settingsFirst}: the first is a SETTINGS frame, as a server's
   * first frame must be). Not called for a direction first seen mid-frame: see {@link #onLostSync}.
   */
  void onStart(FrameReader r, boolean preface, boolean settingsFirst);

  /** Framing found again at the start of a call after {@link #onLostSync}. */
  void onResync(FrameReader r);

  /**
   * Framing lost (or never found): {@code bytes} were discarded. Header blocks may have gone by unseen,
   * so the direction's HPACK state can no longer be complete. Nothing more comes until {@link #onResync}.
   */
  void onLostSync(FrameReader r, Http2Drop reason, long bytes);

  /** A complete header block (padding and priority removed) of a HEADERS or PUSH_PROMISE frame. */
  void onHeaderBlock(FrameReader r, int type, int streamId, boolean endStream, int promisedId,
      byte[] b, int off, int len, long ns);

  /**
   * A header block that was not decoded ({@code type} CONTINUATION for a stray one): its fields are
   * unknown and the HPACK state it may have changed is lost.
   */
  void onHeaderBlockDropped(FrameReader r, int type, int streamId, boolean endStream, Http2Drop reason, long ns);

  /** A whole DATA frame: {@code bytes} of data, padding excluded. */
  void onData(FrameReader r, int streamId, int bytes, boolean endStream, long ns);

  void onRstStream(FrameReader r, int streamId, long errorCode, long ns);

  /** One parameter of a SETTINGS frame (not an ACK). */
  void onSetting(FrameReader r, int id, long value);

  void onGoAway(FrameReader r, int lastStreamId, long errorCode, long ns);
}
