package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2Frames.HEADER_BYTES;
import static io.hybridmesh.agent.http2.Http2Frames.SETTINGS;

import io.hybridmesh.agent.http.Direction;

/**
 * The framing of one direction, from bytes that arrive in any split (RFC 9113 §3.4, §4): the client
 * preface, 9-byte frame headers (checked as a compliant peer writes them), payloads handed to
 * {@link FrameContent} as they pass. Uncaptured bytes inside a payload whose content is not needed (DATA,
 * PING...) are skipped; anywhere else they lose the framing. So does a frame header no peer would send.
 * Framing is found again only at the start of a later call whose bytes are a plausible chain of frames
 * (a call boundary is where a peer's write began, often a frame's); the bytes in between are ignored.
 */
final class FrameReader {

  static final int FIXED_BYTES = 256;

  private enum State { START, PREFACE, HEADER, PAYLOAD, DESYNC }

  final Direction dir;
  private final FrameSink sink;
  private final FrameContent content;
  private State state = State.START;
  private int maxFrame = Http2Frames.MAX_FRAME_LIMIT;
  private boolean maxFrameKnown;
  private int prefaceMatched;
  /** The first call was too short to judge: the first frame decides whether this is a start. */
  private boolean startPending;

  private final byte[] hdr = new byte[HEADER_BYTES];
  private int hdrLen;
  /** Time of the call that carried the first byte of the frame header being read. */
  private long frameNs;
  private int remaining;
  /** Uncaptured bytes at the end of the call being fed, not yet accounted for. */
  private long pendingGap;

  long frames;
  long bytesIgnored;

  FrameReader(Direction dir, FrameSink sink, Http2Limits limits) {
    this.dir = dir;
    this.sink = sink;
    this.content = new FrameContent(this, sink, limits);
  }

  /** The receiving peer's SETTINGS_MAX_FRAME_SIZE (the largest seen, bounded by the protocol). */
  void allowFrames(long size) {
    int v = (int) Math.max(Http2Frames.DEFAULT_MAX_FRAME, Math.min(size, Http2Frames.MAX_FRAME_LIMIT));
    maxFrame = maxFrameKnown ? Math.max(maxFrame, v) : v;
    maxFrameKnown = true;
  }

  /** Seen from the start: until SETTINGS say otherwise, frames are at most the default size. */
  void defaultFrameSize() {
    if (!maxFrameKnown) {
      maxFrame = Http2Frames.DEFAULT_MAX_FRAME;
      maxFrameKnown = true;
    }
  }

  int bufferCapacity() {
    return content.block.capacity();
  }

  /** Feeds one call: {@code len} captured bytes from {@code off}, then {@code gap} uncaptured ones. */
  void feed(byte[] d, int off, int len, long gap, long ts) {
    int end = off + len;
    pendingGap = gap;
    if (len > 0 && (state == State.START || state == State.DESYNC) && !findFraming(d, off, len)) {
      return;
    }
    int p = off;
    while (p < end) {
      switch (state) {
        case PREFACE -> p = preface(d, p, end);
        case HEADER -> p = header(d, p, end, ts);
        case PAYLOAD -> p = payload(d, p, end, ts);
        default -> {
          bytesIgnored += end - p;
          p = end;
        }
      }
    }
    long g = pendingGap;
    pendingGap = 0;
    if (g > 0) {
      gap(g, ts);
    }
  }

  /**
   * At a call's start, before framing is known: the preface, a server's SETTINGS, or (mid-stream, after
   * a loss) a plausible chain of frames. Returns false when the call is to be ignored.
   */
  private boolean findFraming(byte[] d, int off, int len) {
    boolean start = state == State.START;
    Http2Detect.Verdict first = start ? Http2Detect.detect(d, off, len) : Http2Detect.Verdict.OTHER;
    if (start && Http2Frames.prefaceSoFar(d, off, len)) {
      state = State.PREFACE;
    } else if (first == Http2Detect.Verdict.HTTP2_SETTINGS
        || Http2Frames.plausibleChain(d, off, off + len, maxFrame, maxFrameKnown ? maxFrame : Http2Frames.DEFAULT_MAX_FRAME)) {
      state = State.HEADER;
      if (start) {
        sink.onStart(this, false, Http2Frames.type(d, off) == SETTINGS);
      } else {
        sink.onResync(this);
      }
    } else if (first == Http2Detect.Verdict.NEED_MORE) {
      state = State.HEADER; // too little to judge: the first frame decides
      startPending = true;
    } else if (start) {
      lost(Http2Drop.MID_STREAM_START, len);
      return false;
    }
    return true;
  }

  private int preface(byte[] d, int p, int end) {
    byte[] want = Http2Frames.PREFACE;
    while (p < end && prefaceMatched < want.length) {
      if (d[p] != want[prefaceMatched]) {
        lost(Http2Drop.PREFACE_INVALID, prefaceMatched + (end - p));
        return end;
      }
      p++;
      prefaceMatched++;
    }
    if (prefaceMatched == want.length) {
      state = State.HEADER;
      sink.onStart(this, true, false);
    }
    return p;
  }

  private int header(byte[] d, int p, int end, long ts) {
    byte[] h = d;
    int at = p;
    if (hdrLen == 0) {
      frameNs = ts;
    }
    if (hdrLen == 0 && end - p >= HEADER_BYTES) {
      p += HEADER_BYTES;
    } else {
      int n = Math.min(HEADER_BYTES - hdrLen, end - p);
      System.arraycopy(d, p, hdr, hdrLen, n);
      hdrLen += n;
      p += n;
      if (hdrLen < HEADER_BYTES) {
        return p;
      }
      hdrLen = 0;
      h = hdr;
      at = 0;
    }
    int type = Http2Frames.type(h, at);
    int flags = Http2Frames.flags(h, at);
    if (!Http2Frames.wellFormed(h, at, maxFrame)
        || startPending && (type != SETTINGS || (flags & Http2Frames.FLAG_ACK) != 0)) {
      lost(startPending ? Http2Drop.MID_STREAM_START : Http2Drop.FRAME_INVALID, HEADER_BYTES + (end - p));
      return end;
    }
    if (startPending) {
      startPending = false;
      sink.onStart(this, false, true);
    }
    remaining = Http2Frames.length(h, at);
    if (content.begin(type, flags, Http2Frames.streamId(h, at), remaining, frameNs, d, p, end)) {
      frames++;
      return p + remaining; // a header block decoded in place
    }
    state = State.PAYLOAD;
    if (remaining == 0) {
      endFrame(ts);
    }
    return p;
  }

  private int payload(byte[] d, int p, int end, long ts) {
    int n = Math.min(remaining, end - p);
    if (!content.consume(d, p, n, remaining)) {
      lost(Http2Drop.PADDING_INVALID, end - p);
      return end;
    }
    remaining -= n;
    if (remaining == 0) {
      endFrame(ts);
    }
    return p + n;
  }

  private void endFrame(long ts) {
    state = State.HEADER;
    frames++;
    content.end(ts);
  }

  /** Uncaptured bytes: skipped inside a payload whose content is not needed, else framing is lost. */
  private void gap(long gap, long ts) {
    if (state == State.PAYLOAD && content.skip(gap, remaining)) {
      remaining -= (int) gap;
      if (remaining == 0) {
        endFrame(ts);
      }
    } else if (state == State.DESYNC) {
      bytesIgnored += gap;
    } else {
      lost(state == State.START ? Http2Drop.MID_STREAM_START : Http2Drop.LOST_BYTES, gap);
    }
  }

  /** Framing lost: reports {@code bytes} of this call, plus its uncaptured tail, as discarded. */
  private void lost(Http2Drop reason, long bytes) {
    bytes += pendingGap;
    pendingGap = 0;
    bytesIgnored += bytes;
    if (state == State.DESYNC) {
      return;
    }
    state = State.DESYNC;
    startPending = false;
    hdrLen = 0;
    prefaceMatched = 0;
    content.block.reset();
    sink.onLostSync(this, reason, bytes);
  }

  /** A bug was caught around this reader: drop everything and look for framing again. */
  void fail(long bytes) {
    lost(Http2Drop.INTERNAL_ERROR, bytes);
  }
}
