package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2Frames.CONTINUATION;
import static io.hybridmesh.agent.http2.Http2Frames.DATA;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_ACK;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_END_HEADERS;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_END_STREAM;
import static io.hybridmesh.agent.http2.Http2Frames.FLAG_PADDED;
import static io.hybridmesh.agent.http2.Http2Frames.GOAWAY;
import static io.hybridmesh.agent.http2.Http2Frames.HEADERS;
import static io.hybridmesh.agent.http2.Http2Frames.PUSH_PROMISE;
import static io.hybridmesh.agent.http2.Http2Frames.RST_STREAM;
import static io.hybridmesh.agent.http2.Http2Frames.SETTINGS;

/**
 * What the payload of the frame being read means, by type, as its bytes pass: DATA sizes (padding
 * excluded), SETTINGS parameters, the RST_STREAM and GOAWAY fields, header blocks (through the
 * assembler, or in place when whole). Reports each frame to the sink when it ends. Owned by one
 * {@link FrameReader}, which does the framing and tells this class where payload bytes are.
 */
final class FrameContent {

  private final FrameReader reader;
  private final FrameSink sink;
  final HeaderBlockAssembler block;

  private int type;
  private int flags;
  private int stream;
  private long frameNs;
  /** DATA: the pad length once read (-1 before), data bytes so far. */
  private int padLen;
  private int dataBytes;
  /** SETTINGS, RST_STREAM, GOAWAY: their first bytes. */
  private final byte[] small = new byte[8];
  private int smallLen;

  FrameContent(FrameReader reader, FrameSink sink, Http2Limits limits) {
    this.reader = reader;
    this.sink = sink;
    this.block = new HeaderBlockAssembler(limits);
  }

  /**
   * A frame header was read; {@code length} payload bytes follow, of which [p, end) are at hand. Returns
   * true when the whole frame was handled at once (a complete header block decoded in place).
   */
  boolean begin(int frameType, int frameFlags, int streamId, int length, long ns, byte[] d, int p, int end) {
    type = frameType;
    flags = frameFlags;
    stream = streamId;
    frameNs = ns;
    if (block.open && (type != CONTINUATION || stream != block.stream)) {
      sink.onHeaderBlockDropped(reader, block.type, block.stream, block.endStream, Http2Drop.CONTINUATION_MISSING,
          block.startNs);
      block.reset();
    }
    switch (type) {
      case DATA -> {
        padLen = (flags & FLAG_PADDED) != 0 ? -1 : 0;
        dataBytes = 0;
      }
      case HEADERS, PUSH_PROMISE -> {
        if ((flags & FLAG_END_HEADERS) != 0 && end - p >= length) {
          inPlace(d, p, length);
          return true;
        }
        block.begin(type, stream, (flags & FLAG_END_STREAM) != 0, frameNs, length);
      }
      case CONTINUATION -> {
        if (block.open) {
          block.continuation(length);
        } else {
          sink.onHeaderBlockDropped(reader, CONTINUATION, stream, false, Http2Drop.CONTINUATION_UNEXPECTED, frameNs);
          type = -1; // skipped
        }
      }
      default -> smallLen = 0;
    }
    return false;
  }

  /**
   * The next {@code n} payload bytes at {@code p}, {@code remaining} being what was left of the payload
   * before them. Returns false when they show the frame malformed (padding longer than the payload).
   */
  boolean consume(byte[] d, int p, int n, int remaining) {
    switch (type) {
      case DATA -> {
        if (padLen < 0) {
          padLen = d[p++] & 0xff;
          n--;
          remaining--;
          if (padLen > remaining) {
            return false;
          }
        }
        dataBytes += Math.min(n, Math.max(0, remaining - padLen));
      }
      case HEADERS, PUSH_PROMISE, CONTINUATION -> block.append(d, p, n);
      case SETTINGS, RST_STREAM, GOAWAY -> {
        int want = type == SETTINGS ? 6 : 8;
        for (int i = 0; i < n && (smallLen < want || type == SETTINGS); i++) {
          small[smallLen++] = d[p + i];
          if (type == SETTINGS && smallLen == 6) {
            if ((flags & FLAG_ACK) == 0) {
              sink.onSetting(reader, (small[0] & 0xff) << 8 | (small[1] & 0xff), Http2Frames.u32(small, 2) & 0xffffffffL);
            }
            smallLen = 0;
          }
        }
      }
      default -> {
        // PRIORITY, PING, WINDOW_UPDATE, unknown types, a stray CONTINUATION: nothing kept
      }
    }
    return true;
  }

  /** Whether {@code gap} uncaptured bytes of the remaining payload can be skipped without losing sync. */
  boolean skip(long gap, int remaining) {
    boolean skippable = switch (type) {
      case DATA -> padLen >= 0;
      case HEADERS, PUSH_PROMISE, CONTINUATION, SETTINGS, RST_STREAM -> false;
      case GOAWAY -> smallLen == 8;
      default -> true;
    };
    if (skippable && gap <= remaining && type == DATA) {
      dataBytes += (int) Math.min(gap, Math.max(0, remaining - padLen));
    }
    return skippable && gap <= remaining;
  }

  /** The frame's payload is complete: report it. */
  void end(long ts) {
    switch (type) {
      case DATA -> sink.onData(reader, stream, dataBytes, (flags & FLAG_END_STREAM) != 0, ts);
      case HEADERS, PUSH_PROMISE, CONTINUATION -> endHeaderFrame();
      case RST_STREAM -> sink.onRstStream(reader, stream, Http2Frames.u32(small, 0) & 0xffffffffL, ts);
      case GOAWAY -> sink.onGoAway(reader, Http2Frames.u32(small, 0) & 0x7fff_ffff,
          Http2Frames.u32(small, 4) & 0xffffffffL, ts);
      default -> {
        // nothing to report
      }
    }
  }

  private void endHeaderFrame() {
    if (type != CONTINUATION) {
      block.firstFrameDone(flags);
    }
    if ((flags & FLAG_END_HEADERS) == 0) {
      return;
    }
    if (block.dropped != null) {
      sink.onHeaderBlockDropped(reader, block.type, block.stream, block.endStream, block.dropped, block.startNs);
    } else {
      sink.onHeaderBlock(reader, block.type, block.stream, block.endStream, block.promised, block.buffer(), 0,
          block.length(), block.startNs);
    }
    block.reset();
  }

  private void inPlace(byte[] d, int p, int length) {
    int fragment = block.fragment(d, p, length, type, flags);
    boolean endStream = (flags & FLAG_END_STREAM) != 0;
    if (fragment < 0) {
      sink.onHeaderBlockDropped(reader, type, stream, endStream, Http2Drop.PADDING_INVALID, frameNs);
    } else {
      sink.onHeaderBlock(reader, type, stream, endStream, block.fragmentPromised, d, block.fragmentStart, fragment,
          frameNs);
    }
  }
}
