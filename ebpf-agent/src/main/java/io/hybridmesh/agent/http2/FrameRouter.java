package io.hybridmesh.agent.http2;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http2.Http2Event.GoAwaySeen;
import io.hybridmesh.agent.http2.Http2Event.Unparsed;

/**
 * Where the frames of both directions of an {@link Http2Connection} go: header blocks through the
 * direction's HPACK decoder to the client or server side of {@link Exchanges}, SETTINGS to the readers
 * and decoders they bound, lost framing to the HPACK state it spoils. Also learns which end is the client.
 */
final class FrameRouter implements FrameSink {

  private final Http2Connection owner;
  private final Exchanges exchanges;
  private final HeaderBlock block;
  private Direction clientDir;
  private boolean prefaceSeen;
  /** Per direction (SENT, RECEIVED): began with a SETTINGS frame; header blocks seen so far. */
  private final boolean[] settingsFirst = new boolean[2];
  private final long[] blocks = new long[2];
  /** Per direction: framing was found other than at the direction's first byte (mid-stream, resync). */
  private final boolean[] resynced = new boolean[2];

  FrameRouter(Http2Connection owner, Exchanges exchanges, HeaderBlock block) {
    this.owner = owner;
    this.exchanges = exchanges;
    this.block = block;
  }

  Direction clientDir() {
    return clientDir;
  }

  /**
   * The connection was upgraded from HTTP/1.1 (h2c): both directions are seen from their first HTTP/2 byte,
   * the server's (its SETTINGS, right after the 101) possibly before the client's preface, which then
   * must not make the server's header blocks so far look like a table we missed.
   */
  void upgraded(Direction client) {
    clientDir = client;
    prefaceSeen = true;
    owner.reader(Direction.SENT).defaultFrameSize();
    owner.reader(Direction.RECEIVED).defaultFrameSize();
  }

  @Override
  public void onStart(FrameReader r, boolean preface, boolean settings) {
    int d = r.dir.ordinal();
    resynced[d] = !preface && !settings;
    if (preface) {
      clientDir = r.dir;
      prefaceSeen = true;
      owner.reader(Direction.SENT).defaultFrameSize();
      owner.reader(Direction.RECEIVED).defaultFrameSize();
      owner.hpack(r.dir).startFromBeginning();
      d = r.dir.opposite().ordinal();
      if (settingsFirst[d] && blocks[d] == 0) {
        owner.hpack(r.dir.opposite()).startFromBeginning();
      }
    } else if (settings) {
      settingsFirst[d] = true;
      if (prefaceSeen && clientDir == r.dir.opposite() && blocks[d] == 0) {
        owner.hpack(r.dir).startFromBeginning();
      }
    }
  }

  @Override
  public void onResync(FrameReader r) {
    // The HPACK state was marked missed when framing was lost.
    resynced[r.dir.ordinal()] = true;
  }

  @Override
  public void onLostSync(FrameReader r, Http2Drop reason, long bytes) {
    owner.drop(reason);
    owner.hpack(r.dir).missed();
    exchanges.lostSync();
    owner.emit(new Unparsed(r.dir, reason, bytes));
  }

  @Override
  public void onHeaderBlock(FrameReader r, int type, int streamId, boolean endStream, int promisedId,
      byte[] b, int off, int len, long ns) {
    blocks[r.dir.ordinal()]++;
    HpackResult result = owner.hpack(r.dir).decode(b, off, len, block);
    if (result.failed()) {
      owner.drop(Http2Drop.HPACK_ERROR);
      route(r.dir, type, streamId, endStream, promisedId, null, Http2Unknown.HPACK_ERROR, ns);
      return;
    }
    if (result == HpackResult.UNKNOWN_REFERENCES) {
      owner.drop(Http2Drop.HPACK_STATE_MISSED);
    }
    route(r.dir, type, streamId, endStream, promisedId, block, null, ns);
  }

  @Override
  public void onHeaderBlockDropped(FrameReader r, int type, int streamId, boolean endStream, Http2Drop reason,
      long ns) {
    blocks[r.dir.ordinal()]++;
    owner.drop(reason);
    owner.hpack(r.dir).missed();
    if (type != Http2Frames.CONTINUATION) {
      route(r.dir, type, streamId, endStream, 0, null, Http2Unknown.HEADER_BLOCK_DROPPED, ns);
    }
  }

  /** Learns the client from the block if need be, then hands it to the client or server side. */
  private void route(Direction dir, int type, int streamId, boolean endStream, int promisedId, HeaderBlock h,
      Http2Unknown unknown, long ns) {
    if (clientDir == null) {
      if (type == Http2Frames.PUSH_PROMISE || h != null && h.get(KeptNames.STATUS) != null) {
        clientDir = dir.opposite();
      } else if (h != null && h.get(KeptNames.METHOD) != null) {
        clientDir = dir;
      } else {
        owner.drop(Http2Drop.ROLE_UNKNOWN);
        return;
      }
    }
    boolean fromClient = dir == clientDir;
    if (type == Http2Frames.PUSH_PROMISE) {
      if (!fromClient) {
        exchanges.pushPromise(promisedId, h, unknown, ns);
      }
    } else if (fromClient) {
      exchanges.fromClient(streamId, h, unknown, endStream, ns);
    } else {
      exchanges.fromServer(streamId, h, unknown, endStream, resynced[dir.ordinal()], ns);
    }
  }

  @Override
  public void onData(FrameReader r, int streamId, int bytes, boolean endStream, long ns) {
    if (clientDir == null) {
      owner.drop(Http2Drop.UNTRACKED_STREAM);
    } else {
      exchanges.data(r.dir == clientDir, streamId, bytes, endStream, ns);
    }
  }

  @Override
  public void onRstStream(FrameReader r, int streamId, long errorCode, long ns) {
    if (clientDir != null) {
      exchanges.reset(r.dir == clientDir, streamId, errorCode, ns);
    }
  }

  @Override
  public void onSetting(FrameReader r, int id, long value) {
    if (!Http2Detect.legalSetting(id, value)) {
      owner.drop(Http2Drop.SETTINGS_INVALID);
    } else if (id == Http2Frames.SETTINGS_HEADER_TABLE_SIZE) {
      owner.hpack(r.dir.opposite()).peerAllows(value); // what the sender's peer may encode with
    } else if (id == Http2Frames.SETTINGS_MAX_FRAME_SIZE) {
      owner.reader(r.dir.opposite()).allowFrames(value);
    }
  }

  @Override
  public void onGoAway(FrameReader r, int lastStreamId, long errorCode, long ns) {
    owner.emit(new GoAwaySeen(r.dir, lastStreamId, errorCode));
    if (clientDir != null) {
      exchanges.goAway(r.dir != clientDir, lastStreamId, errorCode, ns);
    }
  }
}
