package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2Frames.CONTINUATION;
import static io.hybridmesh.agent.http2.Http2Frames.DATA;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_END_HEADERS;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_END_STREAM;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_PADDED;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_PRIORITY;
import static io.hybridmesh.agent.http2.Http2Frames.GOAWAY;
import static io.hybridmesh.agent.http2.Http2Frames.HEADERS;
import static io.hybridmesh.agent.http2.Http2Frames.HEADER_BYTES;
import static io.hybridmesh.agent.http2.Http2Frames.PUSH_PROMISE;
import static io.hybridmesh.agent.http2.Http2Frames.RST_STREAM;
import static io.hybridmesh.agent.http2.Http2Frames.SETTINGS;

import io.hybridmesh.agent.http.Direction;

/**
 * Frames of one direction, from bytes that arrive in any split (RFC 9113 §3.4, §4, §6). Only what the
 * pairing needs is kept: header blocks (in place when a frame is whole in one call, else assembled in a
 * bounded buffer), DATA sizes, RST_STREAM, GOAWAY and SETTINGS; everything else is skipped as it passes.
 * Uncaptured bytes inside a DATA frame are skipped too; anywhere else they lose the framing, which is
 * found again at the start of a later call whose bytes are a plausible chain of frames.
 */
final class FrameReader {

  static final int FIXED_BYTES = 192;
  private static final byte[] EMPTY = new byte[0];
  private static final int BLOCK_KEPT = 1024;

  private enum State { START, PREFACE, HEADER, PAYLOAD, DESYNC }

  final Direction dir;
  private final FrameSink sink;
  private final int maxBlock;
  private final int maxContinuations;
  private State state = State.START;
  private int maxFrame = Http2Frames.MAX_FRAME_LIMIT;
  private boolean maxFrameKnown;
  private int prefaceMatched;

  private final byte[] hdr = new byte[HEADER_BYTES];
  private int hdrLen;
  private int type;
  private int flags;
  private int stream;
  private int remaining;
  private long frameNs;
  /** DATA: the pad length once read (-1 before), data bytes so far. */
  private int padLen;
  private int dataBytes;
  /** RST_STREAM, GOAWAY, SETTINGS: their first bytes. */
  private final byte[] small = new byte[8];
  private int smallLen;

  /** The header block being assembled; its current frame's payload starts at frameAt. */
  private byte[] block = EMPTY;
  private int blockLen;
  private int frameAt;
  private boolean inBlock;
  private int blockType;
  private int blockStream;
  private boolean blockEndStream;
  private int blockPromised;
  private long blockNs;
  private int continuations;
  private Http2Drop blockDropped;

  long frames;
  long bytesIgnored;

  FrameReader(Direction dir, FrameSink sink, Http2Limits limits) {
    this.dir = dir;
    this.sink = sink;
    this.maxBlock = limits.maxHeaderBlockBytes();
    this.maxContinuations = limits.maxContinuationFrames();
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
    return block.length;
  }

  /** Feeds one call: {@code len} captured bytes from {@code off}, then {@code gap} uncaptured ones. */
  void feed(byte[] d, int off, int len, long gap, long ts) {
    int end = off + len;
    pendingGap = gap;
    if (len > 0 && (state == State.START || state == State.DESYNC)) {
      boolean start = state == State.START;
      if (start && prefacePrefix(d, off, len)) {
        state = State.PREFACE;
      } else if (start && Http2Detect.detect(d, off, len) == Http2Detect.Verdict.HTTP2_SETTINGS
          || Http2Frames.plausibleChain(d, off, end, maxFrame, controlMax())) {
        state = State.HEADER;
        if (start) {
          sink.onStart(this, false, Http2Frames.type(d, off) == SETTINGS);
        } else {
          sink.onResync(this);
        }
      } else if (start && Http2Detect.detect(d, off, len) == Http2Detect.Verdict.NEED_MORE) {
        // Too little to judge: read on, and start only if the first frame turns out to be SETTINGS.
        state = State.HEADER;
        startPending = true;
      } else if (start) {
        lost(Http2Drop.MID_STREAM_START, len);
        return;
      }
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

  /** Uncaptured bytes at the end of the call being fed, not yet accounted for. */
  private long pendingGap;
  /** The first call was too short to judge: the first frame decides whether this is a start. */
  private boolean startPending;

  private static boolean prefacePrefix(byte[] d, int off, int len) {
    byte[] want = Http2Frames.PREFACE;
    for (int i = 0; i < Math.min(len, want.length); i++) {
      if (d[off + i] != want[i]) {
        return false;
      }
    }
    return true;
  }

  private int controlMax() {
    return maxFrameKnown ? maxFrame : Http2Frames.DEFAULT_MAX_FRAME;
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
    if (hdrLen == 0 && end - p >= HEADER_BYTES) {
      frameNs = ts;
      p += HEADER_BYTES;
    } else {
      if (hdrLen == 0) {
        frameNs = ts;
      }
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
    int length = Http2Frames.length(h, at);
    type = Http2Frames.type(h, at);
    flags = Http2Frames.flags(h, at);
    stream = Http2Frames.streamId(h, at);
    if (!Http2Frames.wellFormed(h, at, maxFrame)) {
      lost(startPending ? Http2Drop.MID_STREAM_START : Http2Drop.FRAME_INVALID, HEADER_BYTES + (end - p));
      return end;
    }
    if (startPending) {
      startPending = false;
      if (type != SETTINGS || (flags & Http2Frames.FLAG_ACK) != 0) {
        lost(Http2Drop.MID_STREAM_START, HEADER_BYTES + (end - p));
        return end;
      }
      sink.onStart(this, false, true);
    }
    if (inBlock && (type != CONTINUATION || stream != blockStream)) {
      inBlock = false;
      sink.onHeaderBlockDropped(this, blockType, blockStream, blockEndStream, Http2Drop.CONTINUATION_MISSING, blockNs);
      releaseBlock();
    }
    remaining = length;
    switch (type) {
      case DATA -> {
        padLen = (flags & FLAG_PADDED) != 0 ? -1 : 0;
        dataBytes = 0;
      }
      case HEADERS, PUSH_PROMISE -> {
        if ((flags & FLAG_END_HEADERS) != 0 && end - p >= length) {
          frames++;
          deliverInPlace(d, p, length);
          return p + length;
        }
        inBlock = true;
        blockType = type;
        blockStream = stream;
        blockEndStream = (flags & FLAG_END_STREAM) != 0;
        blockNs = frameNs;
        blockPromised = 0;
        continuations = 0;
        blockDropped = null;
        blockLen = 0;
        reserve(length);
      }
      case CONTINUATION -> {
        if (!inBlock) {
          sink.onHeaderBlockDropped(this, CONTINUATION, stream, false, Http2Drop.CONTINUATION_UNEXPECTED, frameNs);
          type = -1; // skip it
        } else if (++continuations > maxContinuations) {
          blockDropped = blockDropped == null ? Http2Drop.CONTINUATION_LIMIT : blockDropped;
        } else {
          reserve(length);
        }
      }
      default -> smallLen = 0;
    }
    state = State.PAYLOAD;
    if (remaining == 0) {
      endFrame(ts);
    }
    return p;
  }

  /** Makes room for a header frame's payload, or marks the block dropped if it would pass the bound. */
  private void reserve(int length) {
    frameAt = blockLen;
    if (blockDropped != null) {
      return;
    }
    long need = (long) blockLen + length;
    if (need > maxBlock) {
      blockDropped = Http2Drop.HEADER_BLOCK_TOO_LARGE;
      return;
    }
    if (block.length < need) {
      int n = (int) Math.max(need, Math.min(maxBlock, Math.max(256, 2L * block.length)));
      block = java.util.Arrays.copyOf(block, n);
    }
  }

  private int payload(byte[] d, int p, int end, long ts) {
    if (type == DATA && padLen < 0) {
      padLen = d[p++] & 0xff;
      remaining--;
      if (padLen > remaining) {
        lost(Http2Drop.PADDING_INVALID, end - p);
        return end;
      }
    }
    int n = Math.min(remaining, end - p);
    switch (type) {
      case DATA -> dataBytes += Math.min(n, Math.max(0, remaining - padLen));
      case HEADERS, PUSH_PROMISE, CONTINUATION -> {
        if (blockDropped == null) {
          System.arraycopy(d, p, block, blockLen, n);
          blockLen += n;
        }
      }
      case SETTINGS, RST_STREAM, GOAWAY -> {
        int want = type == SETTINGS ? 6 : 8;
        for (int i = 0; i < n && (smallLen < want || type == SETTINGS); i++) {
          small[smallLen++] = d[p + i];
          if (type == SETTINGS && smallLen == 6) {
            if ((flags & Http2Frames.FLAG_ACK) == 0) {
              sink.onSetting(this, (small[0] & 0xff) << 8 | (small[1] & 0xff), Http2Frames.u32(small, 2) & 0xffffffffL);
            }
            smallLen = 0;
          }
        }
      }
      default -> {
        // PRIORITY, PING, WINDOW_UPDATE, unknown types, stray CONTINUATION: skipped
      }
    }
    remaining -= n;
    p += n;
    if (remaining == 0) {
      endFrame(ts);
    }
    return p;
  }

  private void endFrame(long ts) {
    state = State.HEADER;
    frames++;
    switch (type) {
      case DATA -> sink.onData(this, stream, dataBytes, (flags & FLAG_END_STREAM) != 0, ts);
      case HEADERS, PUSH_PROMISE, CONTINUATION -> endHeaderFrame();
      case RST_STREAM -> sink.onRstStream(this, stream, Http2Frames.u32(small, 0) & 0xffffffffL, ts);
      case GOAWAY -> sink.onGoAway(this, Http2Frames.u32(small, 0) & 0x7fff_ffff,
          Http2Frames.u32(small, 4) & 0xffffffffL, ts);
      default -> {
        // nothing to report
      }
    }
  }

  private void endHeaderFrame() {
    if (type != CONTINUATION && blockDropped == null) {
      int fragment = fragment(block, frameAt, blockLen - frameAt);
      if (fragment < 0) {
        blockDropped = Http2Drop.PADDING_INVALID;
      } else {
        System.arraycopy(block, fragStart, block, frameAt, fragment);
        blockLen = frameAt + fragment;
        blockPromised = promised;
      }
    }
    if ((flags & FLAG_END_HEADERS) == 0) {
      return;
    }
    inBlock = false;
    if (blockDropped != null) {
      sink.onHeaderBlockDropped(this, blockType, blockStream, blockEndStream, blockDropped, blockNs);
    } else {
      sink.onHeaderBlock(this, blockType, blockStream, blockEndStream, blockPromised, block, 0, blockLen, blockNs);
    }
    releaseBlock();
  }

  private void deliverInPlace(byte[] d, int p, int length) {
    int fragment = fragment(d, p, length);
    boolean endStream = (flags & FLAG_END_STREAM) != 0;
    if (fragment < 0) {
      sink.onHeaderBlockDropped(this, type, stream, endStream, Http2Drop.PADDING_INVALID, frameNs);
    } else {
      sink.onHeaderBlock(this, type, stream, endStream, promised, d, fragStart, fragment, frameNs);
    }
  }

  // Results of fragment(): where the block fragment starts and the promised stream of a PUSH_PROMISE.
  private int fragStart;
  private int promised;

  /**
   * The header block fragment within a HEADERS or PUSH_PROMISE payload at [p, p+length) of the current
   * frame: after the pad length, priority and promised stream, before the padding. Returns its length,
   * or -1 when the padding is longer than the payload.
   */
  private int fragment(byte[] b, int p, int length) {
    int pad = (flags & FLAG_PADDED) != 0 ? b[p] & 0xff : 0;
    int prefix = (flags & FLAG_PADDED) != 0 ? 1 : 0;
    if (type == HEADERS && (flags & FLAG_PRIORITY) != 0) {
      prefix += 5;
    }
    promised = 0;
    if (type == PUSH_PROMISE) {
      promised = Http2Frames.u32(b, p + prefix) & 0x7fff_ffff;
      prefix += 4;
    }
    fragStart = p + prefix;
    return length - prefix - pad >= 0 ? length - prefix - pad : -1;
  }

  private void releaseBlock() {
    blockLen = 0;
    if (block.length > BLOCK_KEPT) {
      block = EMPTY;
    }
  }

  /** Uncaptured bytes: skipped inside a frame whose content we do not need, else framing is lost. */
  private void gap(long gap, long ts) {
    boolean skippable = switch (type) {
      case DATA -> padLen >= 0;
      case HEADERS, PUSH_PROMISE, CONTINUATION, SETTINGS, RST_STREAM -> false;
      case GOAWAY -> smallLen == 8;
      default -> true;
    };
    if (state == State.PAYLOAD && skippable && gap <= remaining) {
      if (type == DATA) {
        dataBytes += (int) Math.min(gap, Math.max(0, remaining - padLen));
      }
      remaining -= (int) gap;
      bytesIgnored += gap;
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
    inBlock = false;
    releaseBlock();
    sink.onLostSync(this, reason, bytes);
  }

  /** A bug was caught around this reader: drop everything and look for framing again. */
  void fail(long bytes) {
    lost(Http2Drop.INTERNAL_ERROR, bytes);
  }
}
