package io.hybridmesh.agent.http;

import io.hybridmesh.agent.http.HttpEvent.RequestSeen;
import io.hybridmesh.agent.http.HttpEvent.ResponseSeen;
import io.hybridmesh.agent.http.HttpEvent.Unparsed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/1.x heads seen in the plaintext of one TLS connection, both directions, fed one captured
 * read/write call at a time. Not thread-safe: a connection's calls are expected in order from one
 * thread. Never throws on input, and holds at most one bounded head buffer per direction plus a
 * bounded queue of unanswered requests.
 */
public final class HttpConversation {

  private static final byte[] NO_BYTES = new byte[0];
  /** The reason of the {@link Unparsed} reported at the HTTP/2 preface, after which nothing is parsed. */
  public static final String HTTP2_PREFACE = "HTTP/2 is not parsed yet";

  private final Limits limits;
  private final HeadParser heads;
  private final StreamParser sent;
  private final StreamParser received;
  private final ArrayDeque<HttpRequestHead> pending = new ArrayDeque<>();
  /** Learned from the data: the first direction with a request line, or opposite a status line. */
  private Direction requestDir;
  private boolean closed;
  private boolean http2Seen;
  private H2cUpgrade h2cUpgrade;
  /** Where the call being fed begins in its array: offsets handed out are relative to it. */
  private int callOffset;
  private List<HttpEvent> out;

  long bytesSkipped;
  long bytesIgnored;
  long requestsDropped;
  long unparsedCount;
  private long internalErrors;

  public HttpConversation() {
    this(Limits.DEFAULT);
  }

  public HttpConversation(Limits limits) {
    this.limits = limits == null ? Limits.DEFAULT : limits;
    this.heads = new HeadParser(this.limits);
    this.sent = new StreamParser(Direction.SENT, this, this.limits);
    this.received = new StreamParser(Direction.RECEIVED, this, this.limits);
  }

  /**
   * Feeds one call. {@code capturedLength} bytes from {@code offset} are what was captured; the call
   * really moved {@code trueLength} bytes and the difference was not captured. Out-of-range
   * arguments are clamped rather than rejected. Returns the events in order; the list is the
   * caller's (an immutable empty list when there are none).
   */
  public List<HttpEvent> onData(
      Direction dir, byte[] data, int offset, int capturedLength, long trueLength, long timestampNs) {
    if (dir == null || closed) {
      return List.of();
    }
    int len = CapturedBytes.readable(data, offset, capturedLength);
    long gap = Math.max(0, trueLength - len);
    out = null;
    callOffset = offset;
    StreamParser p = dir == Direction.SENT ? sent : received;
    try {
      p.feed(len == 0 ? NO_BYTES : data, len == 0 ? 0 : offset, len, gap, timestampNs);
    } catch (RuntimeException e) {
      // Only a bug can get here; losing this direction's sync beats losing the agent.
      internalErrors++;
      p.fail("internal error: " + e.getClass().getSimpleName(), 0, 0);
    }
    List<HttpEvent> events = out == null ? List.of() : out;
    out = null;
    return events;
  }

  /** The connection ended: reports an incomplete head, forgets unanswered requests, frees buffers. */
  public List<HttpEvent> onClose(long timestampNs) {
    if (closed) {
      return List.of();
    }
    closed = true;
    out = null;
    for (StreamParser p : new StreamParser[] {sent, received}) {
      int partial = p.close();
      if (partial > 0) {
        unparsed(p.dir, "incomplete head at close", partial);
      }
    }
    requestsDropped += pending.size();
    pending.clear();
    List<HttpEvent> events = out == null ? List.of() : out;
    out = null;
    return events;
  }

  /** Which end the process is, once the data has shown it; null before. */
  public Role role() {
    return requestDir == null ? null : Role.of(requestDir);
  }

  /**
   * Whether the HTTP/2 client preface ({@code PRI * HTTP/2.0}) was met: the connection is HTTP/2 and this
   * conversation parses nothing more (an HTTP/2 parser should take over).
   */
  public boolean http2Seen() {
    return http2Seen;
  }

  /**
   * The connection switched to HTTP/2 by an h2c Upgrade: a {@code 101} with {@code Upgrade: h2c} answered
   * the request, and this conversation parses nothing more (an HTTP/2 parser should take over from the
   * point it gives). Null otherwise.
   */
  public H2cUpgrade h2cUpgrade() {
    return h2cUpgrade;
  }

  /**
   * Where an h2c Upgrade took the connection to HTTP/2.
   *
   * @param request the HTTP/1.1 request that asked for it, which HTTP/2 answers on stream 1; null when it was
   *     not seen
   * @param serverDir the direction of the server's bytes, of the call that carried the {@code 101}
   * @param offset where HTTP/2 begins in that call (the server's SETTINGS), counted from the call's offset
   */
  public record H2cUpgrade(HttpRequestHead request, Direction serverDir, int offset) {}

  /** Body bytes (and chunk framing) skipped without being stored. */
  public long bytesSkipped() {
    return bytesSkipped;
  }

  /** Bytes discarded unparsed: junk, lost heads, and everything while a direction is out of sync. */
  public long bytesIgnored() {
    return bytesIgnored;
  }

  /** Requests never paired: queue overflow, resync, or still unanswered at close. */
  public long requestsDropped() {
    return requestsDropped;
  }

  public long unparsedCount() {
    return unparsedCount;
  }

  /** Calls that hit a bug in the parser (each cost one direction its sync); the fuzz campaigns want 0. */
  public long internalErrors() {
    return internalErrors;
  }

  /** Bytes this conversation holds now: the two directions' head buffers (each at most maxHeaderBytes). */
  public long retainedBytes() {
    return sent.bufferCapacity() + received.bufferCapacity();
  }

  int pendingRequests() {
    return pending.size();
  }

  /** Largest head buffer currently held; never above {@link Limits#maxHeaderBytes()}. */
  int maxBufferCapacity() {
    return Math.max(sent.bufferCapacity(), received.bufferCapacity());
  }

  // --- called by the stream parsers ---

  void unparsed(Direction dir, String reason, long bytes) {
    unparsedCount++;
    emit(new Unparsed(dir, reason, bytes));
  }

  /**
   * Whether a desynced direction may pick up again at this call: it must begin with a whole start
   * line of the kind that direction carries.
   */
  boolean resync(StreamParser p, byte[] d, int s, int e) {
    int max = limits.maxStartLineBytes();
    boolean request = requestDir != p.dir.opposite() && Ascii.startsWithLine(d, s, e, max, true);
    if (!request && (requestDir == p.dir || !Ascii.startsWithLine(d, s, e, max, false))) {
      return false;
    }
    if (request) {
      // Requests written during the gap were never seen; the queue no longer lines up.
      requestsDropped += pending.size();
      pending.clear();
    } else {
      // Responses were lost while out of sync; the newest request is the likeliest to be answered.
      while (pending.size() > 1) {
        pending.pollFirst();
        requestsDropped++;
      }
    }
    return true;
  }

  /** Parses a complete head held in [s, e). */
  HeadParser.Parsed parse(byte[] b, int s, int e) {
    return heads.parse(b, s, e);
  }

  void onHead(StreamParser p, HeadParser.Parsed h, long startNs, int headBytes, int next) {
    switch (h.kind()) {
      case ERROR -> p.fail(h.error(), headBytes, next);
      case HTTP2 -> {
        http2Seen = true;
        unparsed(p.dir, HTTP2_PREFACE, p.lostBytes(headBytes, next));
        stopAll();
      }
      case REQUEST -> onRequest(p, h, startNs, headBytes, next);
      case RESPONSE -> onResponse(p, h, startNs, headBytes, next);
    }
  }

  private void onRequest(StreamParser p, HeadParser.Parsed h, long startNs, int headBytes, int next) {
    if (requestDir == null) {
      requestDir = p.dir;
    } else if (requestDir != p.dir) {
      p.fail("request line in response direction", headBytes, next);
      return;
    }
    if (h.hasTransferEncoding() && !h.chunked()) {
      // A request body cannot be delimited by close, so its framing is unknowable.
      p.fail("unsupported Transfer-Encoding", headBytes, next);
      return;
    }
    HttpRequestHead req = h.request(startNs);
    emit(new RequestSeen(req, Role.of(requestDir)));
    if (pending.size() >= limits.maxPendingRequests()) {
      pending.pollFirst();
      requestsDropped++;
    }
    pending.addLast(req);
    if (h.chunked()) {
      p.expectChunked();
    } else if (h.contentLength() > 0) {
      p.expectBody(h.contentLength());
    } else if (req.method().equals("CONNECT")) {
      // Tunnel bytes may follow at once; park until the response says whether it is a tunnel.
      p.hold();
    } else {
      p.expectNothing();
    }
  }

  private void onResponse(StreamParser p, HeadParser.Parsed h, long startNs, int headBytes, int next) {
    if (requestDir == null) {
      requestDir = p.dir.opposite();
    } else if (requestDir == p.dir) {
      p.fail("status line in request direction", headBytes, next);
      return;
    }
    int status = h.status();
    boolean interim = status < 200 && status != 101;
    HttpRequestHead req = interim ? pending.peekFirst() : pending.pollFirst();
    if (status == 101 && h.upgradeH2c()) {
      // HTTP/2 from the next byte on; the request's answer comes on stream 1, so the 101 is no response of
      // its own to report.
      h2cUpgrade = new H2cUpgrade(req, p.dir, next - callOffset);
      stopAll();
      return;
    }
    HttpResponseHead resp = h.response(startNs);
    long latency = req == null ? 0 : startNs - req.startNs();
    emit(new ResponseSeen(resp, req, latency, Role.of(requestDir)));
    boolean connect = req != null && req.method().equals("CONNECT");
    if (status == 101 || (connect && status / 100 == 2)) {
      stopAll();
      return;
    }
    if (connect) {
      requestParser().release();
    }
    if (interim || status == 204 || status == 304 || (req != null && req.method().equals("HEAD"))) {
      p.expectNothing();
    } else if (h.chunked()) {
      p.expectChunked();
    } else if (h.hasTransferEncoding() || h.contentLength() < 0) {
      p.untilClose();
    } else {
      p.expectBody(h.contentLength());
    }
  }

  private StreamParser requestParser() {
    return requestDir == Direction.SENT ? sent : received;
  }

  private void stopAll() {
    sent.stop();
    received.stop();
    requestsDropped += pending.size();
    pending.clear();
  }

  private void emit(HttpEvent e) {
    if (out == null) {
      out = new ArrayList<>(4);
    }
    out.add(e);
  }
}
