package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.HttpConversation;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.http2.Http2Connection;
import io.hybridmesh.agent.http2.Http2Detect;
import io.hybridmesh.agent.http2.Http2End;
import io.hybridmesh.agent.http2.Http2Limits;
import java.util.ArrayList;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP conversation of every connection being read, keyed by process and SSL pointer for a TLS
 * connection (read inside its library), or by process and socket for a plaintext one (read at its
 * syscalls): both kinds share the bounds, which hold for the node. Bounded: at most {@code maxConnections}
 * (least recently used first out) and none idle longer than {@code idleTimeout}. Used by the event thread
 * only.
 *
 * <p>The parser is chosen per connection from the first call that carries bytes: {@link Http2Connection}
 * when {@link Http2Detect} sees the client preface, a server's first SETTINGS, or (a connection first seen
 * mid-stream) a call of whole HTTP/2 frames, else {@link
 * HttpConversation}; an HTTP/1.x conversation that meets the preface later (it reported {@link
 * HttpConversation#http2Seen()}) is replaced by an HTTP/2 one, fed the same call again. Events are
 * {@link io.hybridmesh.agent.http.HttpEvent}s or {@link io.hybridmesh.agent.http2.Http2Event}s.
 *
 * <p>An HTTP/2 connection that is no longer followed (it closed, idled out, was dropped for memory or room,
 * or its SSL pointer moved to another connection) does not take its open streams with it: each ends as an
 * exchange saying why ({@link io.hybridmesh.agent.http2.Http2End}), collected with the connection's last
 * call for {@link #takeEnded()}.
 */
public final class TlsConversations {

  private record Key(int pid, long ssl, boolean socket) {}

  private static final class Entry {
    /** Null until a call with bytes shows which one; then one of the two. */
    HttpConversation http1;
    Http2Connection http2;
    /** Before that: the first bytes so far, too few to tell (all from one direction, fully captured). */
    byte[] held;
    Direction heldDir;
    long heldNs;
    /** {@link Http2Connection#retainedBytes()} when last measured, and calls since then. */
    long http2Bytes;
    int http2Calls;
    final FlowTuple tuple;
    long lastNs;
    /** An HTTP/2 connection's latest call: what its open streams' flows say if it is dropped. */
    TlsEvent last;

    Entry(FlowTuple tuple) {
      this.tuple = tuple;
    }
  }

  /** First bytes kept while too few to tell the protocol: a server's first SETTINGS is at most 393. */
  static final int MAX_HELD = 512;

  /** The default for {@link #http2Budget}: what every HTTP/2 connection together may hold. */
  public static final long DEFAULT_HTTP2_BUDGET = 128L << 20;

  private final Limits limits;
  private final Http2Limits http2Limits;
  /**
   * Bytes the HTTP/2 connections may hold together (each may hold up to {@link
   * Http2Limits#maxRetainedBytes()}, far more than an HTTP/1.x conversation): above it, the least recently
   * used HTTP/2 connections are dropped. Measured every few calls of a connection, so approximate.
   */
  private final long http2Budget;
  // Written by the event thread only; volatile so that counters may be read from another thread.
  private volatile long http2Connections;
  private long http2Bytes;
  private volatile long http2Shed;
  private final long idleNs;
  private final Map<Key, Entry> entries;
  /** The connection of each tuple (local to remote), to end its conversation when it closes. */
  private final Map<FlowTuple, Key> byTuple = new HashMap<>();
  private final EndedConnections ended = new EndedConnections();
  private long evicted;
  private long sinceLastExpiry;
  /** The time of the call being handled: when a connection dropped to make room for it was dropped. */
  private long nowNs;

  public TlsConversations(int maxConnections, Duration idleTimeout, Limits limits) {
    this(maxConnections, idleTimeout, limits, Http2Limits.DEFAULT, DEFAULT_HTTP2_BUDGET);
  }

  public TlsConversations(
      int maxConnections, Duration idleTimeout, Limits limits, Http2Limits http2Limits, long http2Budget) {
    this.limits = limits;
    this.http2Limits = http2Limits;
    this.http2Budget = http2Budget;
    this.idleNs = idleTimeout.toNanos();
    this.entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        if (size() > maxConnections) {
          evicted++;
          removed(eldest.getKey(), eldest.getValue(), Http2End.CONNECTION_TABLE_EVICTED, nowNs);
          return true;
        }
        return false;
      }
    };
  }

  /**
   * Feeds one TLS call to its connection's conversation; returns what the conversation saw: {@link
   * HttpEvent}s on an HTTP/1.x connection, {@link io.hybridmesh.agent.http2.Http2Event}s on an HTTP/2 one.
   */
  public List<?> onEvent(TlsEvent e) {
    nowNs = e.endNs();
    if (++sinceLastExpiry >= 1024) {
      sinceLastExpiry = 0;
      expire(e.endNs());
    }
    Key key = new Key(e.pid(), e.ssl(), e.socket());
    Entry entry = entries.get(key);
    // An SSL pointer (or a socket) freed and reused by a new connection: the old conversation is over.
    if (entry != null && e.tuple() != null && entry.tuple != null && !Objects.equals(entry.tuple, e.tuple())) {
      removed(key, entries.remove(key), Http2End.CONNECTION_REPLACED, nowNs);
      entry = null;
    }
    if (entry == null) {
      entry = new Entry(e.tuple());
      entries.put(key, entry);
      if (e.tuple() != null) {
        byTuple.put(e.tuple(), key);
      }
    }
    entry.lastNs = e.endNs();
    // When the data changed hands: a write hands it over at entry; a read may block long before data
    // arrives (an idle keep-alive connection), so its data is there only at return.
    long at = e.write() ? e.startNs() : e.endNs();
    Direction dir = e.write() ? Direction.SENT : Direction.RECEIVED;
    byte[] data = e.data();
    int captured = e.captured();
    long length = e.length();
    if (entry.http1 == null && entry.http2 == null) {
      int n = Math.min(Math.max(captured, 0), data == null ? 0 : data.length);
      if (n == 0 && (entry.held == null || entry.heldDir == dir)) {
        return List.of(); // nothing (more) to judge by yet
      }
      List<Object> early = null;
      if (entry.held != null && entry.heldDir == dir) {
        // The first bytes continue: judge them together, and feed them as one call.
        byte[] joined = new byte[entry.held.length + n];
        System.arraycopy(entry.held, 0, joined, 0, entry.held.length);
        System.arraycopy(data, 0, joined, entry.held.length, n);
        length += entry.held.length;
        data = joined;
        captured = n = joined.length;
        entry.held = null;
      }
      Http2Detect.Verdict v = Http2Detect.detect(data, 0, n);
      if (v == Http2Detect.Verdict.NEED_MORE && entry.held == null && n == length && n <= MAX_HELD) {
        entry.held = java.util.Arrays.copyOf(data, n);
        entry.heldDir = dir;
        entry.heldNs = at;
        return List.of();
      }
      if (v == Http2Detect.Verdict.HTTP2_PREFACE || v == Http2Detect.Verdict.HTTP2_SETTINGS
          || (v == Http2Detect.Verdict.OTHER && n == length && Http2Detect.framesMidStream(data, 0, n))) {
        entry.http2 = newHttp2();
      } else {
        // HTTP/1.x, or neither (mid-connection), or cannot tell: as before this choice existed.
        entry.http1 = new HttpConversation(limits);
      }
      if (entry.held != null) {
        // The other direction spoke while the first bytes were too few to tell: feed them as they came.
        byte[] h = entry.held;
        entry.held = null;
        early = new ArrayList<>(entry.http2 != null
            ? entry.http2.onData(entry.heldDir, h, 0, h.length, h.length, entry.heldNs)
            : entry.http1.onData(entry.heldDir, h, 0, h.length, h.length, entry.heldNs));
        early.addAll(feed(entry, e, dir, data, captured, length, at));
        return early;
      }
    }
    return feed(entry, e, dir, data, captured, length, at);
  }

  private List<?> feed(Entry entry, TlsEvent call, Direction dir, byte[] data, int captured, long length,
      long at) {
    if (entry.http2 != null) {
      entry.last = call;
      List<?> events = entry.http2.onData(dir, data, 0, captured, length, at);
      if ((entry.http2Calls++ & 7) == 0) {
        measure(entry);
      }
      return events;
    }
    List<HttpEvent> events = entry.http1.onData(dir, data, 0, captured, length, at);
    HttpConversation.H2cUpgrade upgrade = entry.http1.h2cUpgrade();
    if (upgrade != null) {
      // h2c: HTTP/2 from the byte after the 101 on; the rest of this call is the server's first frames.
      entry.http1 = null;
      entry.http2 = upgraded(upgrade);
      List<Object> all = new ArrayList<>(events);
      int from = Math.min(upgrade.offset(), captured);
      all.addAll(entry.http2.onData(dir, data, from, captured - from, length - upgrade.offset(), at));
      entry.last = call;
      entry.http2Calls = 1;
      measure(entry);
      return all;
    }
    if (!entry.http1.http2Seen()) {
      return events;
    }
    // The HTTP/2 preface after all: the same call again, to an HTTP/2 parser, without the "not parsed".
    entry.http1 = null;
    entry.http2 = newHttp2();
    List<Object> all = new ArrayList<>(events.size() + 2);
    for (HttpEvent h : events) {
      if (!(h instanceof HttpEvent.Unparsed u && HttpConversation.HTTP2_PREFACE.equals(u.reason()))) {
        all.add(h);
      }
    }
    all.addAll(entry.http2.onData(dir, data, 0, captured, length, at));
    entry.last = call;
    entry.http2Calls = 1;
    measure(entry);
    return all;
  }

  /** Updates the HTTP/2 total with this connection's size; over the budget, drops the least recent others. */
  private void measure(Entry entry) {
    long b = entry.http2.retainedBytes();
    http2Bytes += b - entry.http2Bytes;
    entry.http2Bytes = b;
    if (http2Bytes <= http2Budget) {
      return;
    }
    Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
    while (http2Bytes > http2Budget && it.hasNext()) {
      Map.Entry<Key, Entry> e = it.next();
      if (e.getValue() != entry && e.getValue().http2 != null) {
        it.remove();
        removed(e.getKey(), e.getValue(), Http2End.CONNECTION_MEMORY_EVICTED, nowNs);
        http2Shed++;
        evicted++;
      }
    }
  }

  /** HTTP/2 connections dropped to keep all of them within the budget. */
  public long http2Shed() {
    return http2Shed;
  }

  /** What the HTTP/2 connections hold together, as last measured. */
  public long http2Bytes() {
    return http2Bytes;
  }

  private Http2Connection upgraded(HttpConversation.H2cUpgrade upgrade) {
    http2Connections++;
    return Http2Connection.upgraded(http2Limits, upgrade.serverDir().opposite(), upgrade.request());
  }

  private Http2Connection newHttp2() {
    http2Connections++;
    return new Http2Connection(http2Limits);
  }

  /** Connections read as HTTP/2 since the start. */
  public long http2Connections() {
    return http2Connections;
  }

  /** Drops conversations idle since before {@code nowNs - idleTimeout}; their open HTTP/2 streams end. */
  public void expire(long nowNs) {
    Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Entry> e = it.next();
      if (nowNs - e.getValue().lastNs < idleNs) {
        break; // access order: the rest are younger
      }
      it.remove();
      removed(e.getKey(), e.getValue(), Http2End.CONNECTION_IDLE_EVICTED, nowNs);
      evicted++;
    }
  }

  /**
   * The connection of {@code tuple} (from either end) closed: the conversations of both its ends end, the
   * HTTP/2 ones with their open streams ({@link Http2End#CONNECTION_CLOSED}). A conversation whose calls
   * came without a socket (a library that reads and writes memory, not the socket) cannot be matched, and
   * ends when it idles out or its TLS object is reused.
   */
  public void connectionClosed(FlowTuple tuple, long ns) {
    if (tuple == null) {
      return;
    }
    for (FlowTuple t : List.of(tuple, tuple.reversed())) {
      Key key = byTuple.get(t);
      Entry entry = key == null ? null : entries.remove(key);
      if (entry != null) {
        removed(key, entry, Http2End.CONNECTION_CLOSED, ns);
      }
    }
  }

  /**
   * The open streams of HTTP/2 connections that ended or were dropped since the last take, each with the
   * connection's latest call (at the time of the drop). The caller takes them after every {@link
   * #onEvent}, {@link #expire} and {@link #connectionClosed}.
   */
  public List<EndedConnections.Ended> takeEnded() {
    return ended.take();
  }

  /** Bookkeeping for an entry just taken out of the table; its open HTTP/2 streams end, {@code how} saying why. */
  private void removed(Key key, Entry entry, Http2End how, long ns) {
    http2Bytes -= entry.http2Bytes;
    if (entry.tuple != null) {
      byTuple.remove(entry.tuple, key);
    }
    ended.end(entry.http2, entry.last, how, ns);
  }

  public int size() {
    return entries.size();
  }

  public long evicted() {
    return evicted;
  }
}
