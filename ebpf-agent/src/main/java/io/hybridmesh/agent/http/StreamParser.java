package io.hybridmesh.agent.http;

/**
 * Framing state machine for one direction of a connection. It finds head boundaries, skips bodies
 * and handles uncaptured tails; what a head means (pairing, role, body rules) is decided by the
 * owning {@link HttpConversation}, which then tells this parser what follows the head.
 */
final class StreamParser {

  private enum State {
    START, HEAD, BODY, CHUNKED, UNTIL_CLOSE, HOLD, DESYNC, STOPPED
  }

  private static final int UNDECIDED = 0, REQUEST = 1, RESPONSE = 2, NOT_HTTP = 3;

  final Direction dir;
  private final HttpConversation owner;
  private final Limits limits;
  private final HeadBuffer buf;
  private State state = State.START;

  // Head in progress; its bytes from earlier calls are in buf, so headLen == buf.length().
  private int headLen;
  private int lineStart;
  private boolean startLineSeen;
  private long headStartNs;
  private int probe;
  private int probePos;
  private boolean maybeRequest;
  private boolean maybeResponse;

  private long remaining;
  private final ChunkFramer chunks;
  private final HeadMemo memo = new HeadMemo();

  // The call being fed: lets a failure report the rest of the call as discarded.
  private int callEnd;
  private long callGap;

  StreamParser(Direction dir, HttpConversation owner, Limits limits) {
    this.dir = dir;
    this.owner = owner;
    this.limits = limits;
    this.buf = new HeadBuffer(limits.maxHeaderBytes());
    this.chunks = new ChunkFramer(limits);
  }

  void feed(byte[] d, int off, int len, long gap, long ts) {
    callEnd = off + len;
    callGap = gap;
    if (state == State.DESYNC && len > 0 && owner.resync(this, d, off, callEnd)) {
      state = State.START;
    }
    int p = off;
    while (p < callEnd) {
      switch (state) {
        case START -> p = start(d, p, ts);
        case HEAD -> p = head(d, p);
        case BODY -> p = body(p);
        case CHUNKED -> p = chunked(d, p);
        case UNTIL_CLOSE -> {
          owner.bytesSkipped += callEnd - p;
          p = callEnd;
        }
        case DESYNC, HOLD -> {
          owner.bytesIgnored += callEnd - p;
          p = callEnd;
        }
        default -> p = callEnd;
      }
    }
    callGap = 0;
    if (gap > 0) {
      gap(gap);
    }
  }

  // --- what the owner decides after a head ---

  void expectNothing() {
    state = State.START;
  }

  void expectBody(long n) {
    remaining = n;
    state = n > 0 ? State.BODY : State.START;
  }

  void expectChunked() {
    state = State.CHUNKED;
    chunks.begin();
  }

  void untilClose() {
    state = State.UNTIL_CLOSE;
  }

  void hold() {
    state = State.HOLD;
  }

  void release() {
    if (state == State.HOLD) {
      state = State.START;
    }
  }

  void stop() {
    state = State.STOPPED;
    buf.free();
    memo.clear();
    headLen = 0;
  }

  /** Bytes lost by failing at {@code p}: the head so far, the rest of the call and its gap. */
  long lostBytes(long discarded, int p) {
    return discarded + Math.max(0, callEnd - p) + callGap;
  }

  /** Reports the failure once and ignores this direction until a call starts with a start line. */
  int fail(String reason, long discarded, int p) {
    owner.unparsed(dir, reason, lostBytes(discarded, p));
    owner.bytesIgnored += discarded;
    state = State.DESYNC;
    buf.clear();
    headLen = 0;
    return p;
  }

  /** A partial head at close, for the owner to report; frees the buffer either way. */
  int close() {
    int partial = state == State.HEAD ? headLen : 0;
    state = State.STOPPED;
    buf.free();
    memo.clear();
    headLen = 0;
    return partial;
  }

  int bufferCapacity() {
    return buf.capacity();
  }

  // --- states ---

  private int start(byte[] d, int p, long ts) {
    int s = p;
    // Stray CRLFs between messages are tolerated, as servers do.
    while (p < callEnd && (d[p] == '\r' || d[p] == '\n')) p++;
    owner.bytesSkipped += p - s;
    if (p < callEnd) {
      state = State.HEAD;
      headLen = lineStart = 0;
      startLineSeen = false;
      headStartNs = ts;
      probe = UNDECIDED;
      probePos = 0;
      maybeRequest = maybeResponse = true;
    }
    return p;
  }

  private int head(byte[] d, int p) {
    int end = callEnd;
    HeadParser.Parsed repeated = headLen == 0 ? memo.match(d, p, end) : null;
    if (repeated != null) {
      // As complete() would for these bytes, without scanning and parsing them again.
      int next = p + memo.length();
      state = State.START;
      owner.onHead(this, repeated, headStartNs, memo.length(), next);
      buf.clear();
      return next;
    }
    for (int i = p; i < end && probe == UNDECIDED; i++) {
      probe(d[i]);
    }
    if (probe == NOT_HTTP) {
      return fail("not HTTP/1.x", headLen, p);
    }
    int room = limits.maxHeaderBytes() - headLen;
    int scanEnd = end - p > room ? p + room : end;
    int maxLine = limits.maxStartLineBytes() + 1;
    for (int i = p; i < scanEnd; i++) {
      if (d[i] != '\n') {
        continue;
      }
      int hp = headLen + (i - p);
      if (!startLineSeen) {
        if (hp > maxLine) {
          break;
        }
        startLineSeen = true;
      } else {
        int n = hp - lineStart;
        if (n == 0 || (n == 1 && (i > p ? d[i - 1] : buf.last()) == '\r')) {
          return complete(d, p, i + 1);
        }
      }
      lineStart = hp + 1;
    }
    if (!startLineSeen && headLen + (scanEnd - p) > maxLine) {
      return fail("start line longer than " + limits.maxStartLineBytes() + " bytes", headLen, p);
    }
    if (scanEnd < end) {
      return fail("header block larger than " + limits.maxHeaderBytes() + " bytes", headLen, p);
    }
    buf.append(d, p, end - p);
    headLen += end - p;
    return end;
  }

  /** Decides as early as possible whether the first bytes can start an HTTP/1.x message. */
  private void probe(byte b) {
    int i = probePos++;
    if (maybeResponse && (i >= 7 || b != Ascii.http1At(i))) {
      maybeResponse = false;
    } else if (maybeResponse && i == 6) {
      probe = RESPONSE;
      return;
    }
    if (maybeRequest) {
      if (b == ' ' && i > 0) {
        probe = REQUEST;
        return;
      }
      maybeRequest = Ascii.tchar(b) && i < Ascii.MAX_METHOD;
    }
    if (!maybeRequest && !maybeResponse) {
      probe = NOT_HTTP;
    }
  }

  private int complete(byte[] d, int p, int next) {
    int total = headLen + (next - p);
    headLen = 0;
    state = State.START;
    HeadParser.Parsed parsed;
    if (buf.length() == 0) {
      parsed = owner.parse(d, p, next);
      memo.remember(d, p, total, parsed);
    } else {
      buf.append(d, p, next - p);
      parsed = owner.parse(buf.array(), 0, total);
      memo.remember(buf.array(), 0, total, parsed);
    }
    owner.onHead(this, parsed, headStartNs, total, next);
    buf.clear();
    return next;
  }

  private int body(int p) {
    int n = (int) Math.min(remaining, callEnd - p);
    owner.bytesSkipped += n;
    remaining -= n;
    if (remaining == 0) {
      state = State.START;
    }
    return p + n;
  }

  private int chunked(byte[] d, int p) {
    int next = chunks.advance(d, p, callEnd);
    owner.bytesSkipped += next - p;
    if (chunks.error != null) {
      return fail(chunks.error, 0, next);
    }
    if (chunks.done()) {
      state = State.START;
    }
    return next;
  }

  /** The uncaptured tail of a call: harmless inside a known-length body, fatal to framing otherwise. */
  private void gap(long g) {
    switch (state) {
      case BODY -> {
        long n = Math.min(g, remaining);
        owner.bytesSkipped += n;
        remaining -= n;
        if (n < g) {
          // The body ended inside the gap, so the gap also swallowed the next head.
          lose("headers not captured", 0, g - n);
        } else if (remaining == 0) {
          state = State.START;
        }
      }
      case CHUNKED -> {
        long n = chunks.skipGap(g);
        owner.bytesSkipped += n;
        if (n < g) {
          lose("chunk framing not captured", 0, g - n);
        }
      }
      case UNTIL_CLOSE -> owner.bytesSkipped += g;
      case DESYNC, HOLD -> owner.bytesIgnored += g;
      case START, HEAD -> lose("headers not captured", headLen, g);
      default -> { }
    }
  }

  private void lose(String reason, long discarded, long g) {
    callGap = g;
    fail(reason, discarded, callEnd);
    callGap = 0;
    owner.bytesIgnored += g;
  }
}
