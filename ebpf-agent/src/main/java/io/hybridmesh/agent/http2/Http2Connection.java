package io.hybridmesh.agent.http2;

import io.hybridmesh.api.flow.GrpcCalls;

import io.hybridmesh.agent.http.CapturedBytes;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.HttpRequestHead;
import io.hybridmesh.agent.http.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 as seen in the plaintext of one connection, both directions, fed one captured read or write
 * call at a time (the same calls as {@link io.hybridmesh.agent.http.HttpConversation}). Pure: no I/O,
 * no logging, no clock (the caller passes each call's time). Not thread-safe. Never throws on input:
 * whatever the bytes, problems are counted {@link Http2Drop}s and {@link Http2Event.Unparsed} events,
 * and memory stays within {@link Http2Limits#maxRetainedBytes()}.
 *
 * <p>Which end is the client is learned from the data: the direction carrying the preface, else the one
 * whose header blocks carry {@code :method} (or the other one, {@code :status}). A direction's HPACK
 * state is complete only when it was seen from its first byte: the client's preface, or the server's
 * first SETTINGS on a connection whose preface was seen.
 */
public final class Http2Connection {

  static final long FIXED_BYTES = 768;
  private static final byte[] NO_BYTES = new byte[0];

  private final FrameReader sent;
  private final FrameReader received;
  private final HpackDecoder sentHpack;
  private final HpackDecoder receivedHpack;
  private final Exchanges exchanges;
  private final FrameRouter router;
  private final long[] drops = new long[Http2Drop.values().length];
  private boolean closed;
  private List<Http2Event> out;

  public Http2Connection() {
    this(Http2Limits.DEFAULT);
  }

  public Http2Connection(Http2Limits limits) {
    Http2Limits l = limits == null ? Http2Limits.DEFAULT : limits;
    this.sentHpack = new HpackDecoder(l);
    this.receivedHpack = new HpackDecoder(l);
    this.exchanges = new Exchanges(l, this);
    this.router = new FrameRouter(this, exchanges, new HeaderBlock(l));
    this.sent = new FrameReader(Direction.SENT, router, l);
    this.received = new FrameReader(Direction.RECEIVED, router, l);
  }

  /**
   * A connection upgraded from HTTP/1.1 with {@code Upgrade: h2c} (RFC 7540 §3.2): the client's bytes (in
   * {@code clientDir}) go on with the preface, the server's with its SETTINGS right after its {@code 101}.
   * Stream 1 is {@code request}, the HTTP/1.1 request that asked for the upgrade (null when it was not
   * seen), already sent in full; its response comes as HTTP/2.
   */
  public static Http2Connection upgraded(Http2Limits limits, Direction clientDir, HttpRequestHead request) {
    Http2Connection c = new Http2Connection(limits);
    c.router.upgraded(clientDir);
    if (request != null) {
      String type = request.headers().stream().filter(h -> h.name().equals("content-type")).map(Header::value)
          .findFirst().orElse(null);
      boolean grpc = GrpcCalls.isGrpc(type);
      String path = request.target();
      c.exchanges.upgraded(new Http2Request(1, request.method(), path, request.host(), "http", request.headers(),
          request.startNs(), null, false, false, grpc, grpc ? GrpcCalls.service(path) : null,
          grpc ? GrpcCalls.method(path) : null));
    }
    return c;
  }

  /**
   * Feeds one call. {@code capturedLength} bytes from {@code offset} are what was captured; the call
   * really moved {@code trueLength} bytes and the rest was not captured. Out-of-range arguments are
   * clamped. Returns the events in order (the caller's list; an immutable empty one when none).
   */
  public List<Http2Event> onData(
      Direction dir, byte[] data, int offset, int capturedLength, long trueLength, long timestampNs) {
    if (dir == null || closed) {
      return List.of();
    }
    int len = CapturedBytes.readable(data, offset, capturedLength);
    long gap = Math.max(0, trueLength - len);
    out = null;
    FrameReader r = reader(dir);
    try {
      r.feed(len == 0 ? NO_BYTES : data, len == 0 ? 0 : offset, len, gap, timestampNs);
    } catch (RuntimeException e) {
      // Only a bug gets here; losing this direction's framing beats losing the agent.
      r.fail(0);
    }
    return drain();
  }

  /** The connection ended: every open stream is reported as cut, and buffers are freed. */
  public List<Http2Event> onClose(long timestampNs) {
    return onEnd(timestampNs, Http2End.CONNECTION_CLOSED);
  }

  /**
   * The connection is over, or no longer followed: every open stream ends, {@code how} saying why (one of
   * the {@code CONNECTION_*} ends), so that each still yields its exchange; buffers are freed. Later calls
   * are ignored.
   */
  public List<Http2Event> onEnd(long timestampNs, Http2End how) {
    if (closed) {
      return List.of();
    }
    out = null;
    closed = true;
    exchanges.closeAll(timestampNs, how == null ? Http2End.CONNECTION_CLOSED : how);
    sentHpack.missed();
    receivedHpack.missed();
    return drain();
  }

  private List<Http2Event> drain() {
    List<Http2Event> events = out == null ? List.of() : out;
    out = null;
    return events;
  }

  /** Which end the observed process is, once the data has shown it; null before. */
  public Role role() {
    Direction client = router.clientDir();
    return client == null ? null : client == Direction.SENT ? Role.CLIENT : Role.SERVER;
  }

  public long drops(Http2Drop reason) {
    return drops[reason.ordinal()];
  }

  public long bytesIgnored() {
    return sent.bytesIgnored + received.bytesIgnored;
  }

  /** Whole frames read, both directions. */
  public long frames() {
    return sent.frames + received.frames;
  }

  public int openStreams() {
    return exchanges.open();
  }

  /**
   * Whether every dynamic-table entry the sender of {@code dir} may reference is known: false for a
   * direction seen mid-stream or after lost bytes, until the table is provably renewed.
   */
  public boolean hpackComplete(Direction dir) {
    return hpack(dir).exact();
  }

  /** Rough heap held by this connection: buffers, HPACK tables, streams. */
  public long retainedBytes() {
    return FIXED_BYTES + 2L * FrameReader.FIXED_BYTES + sent.bufferCapacity() + received.bufferCapacity()
        + sentHpack.retainedBytes() + receivedHpack.retainedBytes() + exchanges.retainedBytes();
  }

  /** The part of {@link #retainedBytes()} that is the two HPACK dynamic tables. */
  public long hpackTableBytes() {
    return sentHpack.table().retainedBytes() + receivedHpack.table().retainedBytes();
  }

  // --- from the exchanges ---

  void emit(Http2Event e) {
    if (out == null) {
      out = new ArrayList<>(4);
    }
    out.add(e);
  }

  void drop(Http2Drop reason) {
    drops[reason.ordinal()]++;
  }

  FrameReader reader(Direction d) {
    return d == Direction.SENT ? sent : received;
  }

  HpackDecoder hpack(Direction d) {
    return d == Direction.SENT ? sentHpack : receivedHpack;
  }
}
