package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2Frames.FLAG_PADDED;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_PRIORITY;
import static io.hybridmesh.agent.http2.Http2Frames.HEADERS;
import static io.hybridmesh.agent.http2.Http2Frames.PUSH_PROMISE;

import java.util.Arrays;

/**
 * One direction's header block in the making: a HEADERS or PUSH_PROMISE frame and its CONTINUATION
 * frames, their payloads gathered in a buffer bounded by {@link Http2Limits#maxHeaderBlockBytes()}
 * (padding included) and released when larger than 1 KiB, and at most
 * {@link Http2Limits#maxContinuationFrames()} continuations. Past a bound the block is skipped and
 * reported as dropped. Also finds the fragment inside a single frame's payload, for the frames that
 * arrive whole and are decoded in place.
 */
final class HeaderBlockAssembler {

  private static final byte[] EMPTY = new byte[0];
  private static final int KEPT = 1024;

  private final int maxBlock;
  private final int maxContinuations;
  private byte[] block = EMPTY;
  private int length;
  /** Where the current frame's payload starts in the buffer. */
  private int frameAt;
  private int continuations;

  /** A block is open: only its CONTINUATION may come next. */
  boolean open;
  int type;
  int stream;
  boolean endStream;
  int promised;
  long startNs;
  /** Why the block will be reported dropped; null while it is being kept. */
  Http2Drop dropped;

  // Results of fragment(): where the fragment starts, and the promised stream of a PUSH_PROMISE.
  int fragmentStart;
  int fragmentPromised;

  HeaderBlockAssembler(Http2Limits limits) {
    this.maxBlock = limits.maxHeaderBlockBytes();
    this.maxContinuations = limits.maxContinuationFrames();
  }

  int capacity() {
    return block.length;
  }

  byte[] buffer() {
    return block;
  }

  int length() {
    return length;
  }

  /** A HEADERS or PUSH_PROMISE frame without END_HEADERS (or split across calls) begins a block. */
  void begin(int frameType, int streamId, boolean ends, long ns, int payloadLength) {
    open = true;
    type = frameType;
    stream = streamId;
    endStream = ends;
    startNs = ns;
    promised = 0;
    continuations = 0;
    dropped = null;
    length = 0;
    reserve(payloadLength);
  }

  /** A CONTINUATION frame of the open block. */
  void continuation(int payloadLength) {
    if (++continuations > maxContinuations && dropped == null) {
      dropped = Http2Drop.CONTINUATION_LIMIT;
    }
    reserve(payloadLength);
  }

  private void reserve(int payloadLength) {
    frameAt = length;
    if (dropped != null) {
      return;
    }
    long need = (long) length + payloadLength;
    if (need > maxBlock) {
      dropped = Http2Drop.HEADER_BLOCK_TOO_LARGE;
      return;
    }
    if (block.length < need) {
      block = Arrays.copyOf(block, (int) Math.max(need, Math.min(maxBlock, Math.max(256, 2L * block.length))));
    }
  }

  void append(byte[] d, int p, int n) {
    if (dropped == null) {
      System.arraycopy(d, p, block, length, n);
      length += n;
    }
  }

  /**
   * The first frame's payload is all in: keep only its fragment (no pad length, priority, promised
   * stream or padding), so that CONTINUATION payloads follow it directly.
   */
  void firstFrameDone(int flags) {
    if (dropped != null) {
      return;
    }
    int n = fragment(block, frameAt, length - frameAt, type, flags);
    if (n < 0) {
      dropped = Http2Drop.PADDING_INVALID;
      return;
    }
    System.arraycopy(block, fragmentStart, block, frameAt, n);
    length = frameAt + n;
    promised = fragmentPromised;
  }

  /** The block was delivered or abandoned: forget it, and give back a large buffer. */
  void reset() {
    open = false;
    length = 0;
    if (block.length > KEPT) {
      block = EMPTY;
    }
  }

  /**
   * The header block fragment in a HEADERS or PUSH_PROMISE payload at [p, p+len): after the pad length,
   * priority and promised stream, before the padding. Sets fragmentStart and fragmentPromised; returns
   * the fragment's length, or -1 when the padding is longer than the payload.
   */
  int fragment(byte[] b, int p, int len, int frameType, int flags) {
    boolean padded = (flags & FLAG_PADDED) != 0;
    int pad = padded ? b[p] & 0xff : 0;
    int prefix = padded ? 1 : 0;
    if (frameType == HEADERS && (flags & FLAG_PRIORITY) != 0) {
      prefix += 5;
    }
    fragmentPromised = 0;
    if (frameType == PUSH_PROMISE) {
      fragmentPromised = Http2Frames.u32(b, p + prefix) & 0x7fff_ffff;
      prefix += 4;
    }
    fragmentStart = p + prefix;
    return len - prefix - pad >= 0 ? len - prefix - pad : -1;
  }
}
