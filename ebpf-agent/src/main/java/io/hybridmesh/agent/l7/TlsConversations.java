package io.hybridmesh.agent.l7;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.HttpConversation;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.Limits;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP conversation of every TLS connection being read, keyed by process and SSL pointer. Bounded:
 * at most {@code maxConnections} (least recently used first out) and none idle longer than {@code
 * idleTimeout}. Used by the event thread only.
 */
public final class TlsConversations {

  private record Key(int pid, long ssl) {}

  private static final class Entry {
    final HttpConversation conversation;
    final FlowTuple tuple;
    long lastNs;

    Entry(HttpConversation conversation, FlowTuple tuple) {
      this.conversation = conversation;
      this.tuple = tuple;
    }
  }

  private final Limits limits;
  private final long idleNs;
  private final Map<Key, Entry> entries;
  private long evicted;
  private long sinceLastExpiry;

  public TlsConversations(int maxConnections, Duration idleTimeout, Limits limits) {
    this.limits = limits;
    this.idleNs = idleTimeout.toNanos();
    this.entries = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
        if (size() > maxConnections) {
          evicted++;
          return true;
        }
        return false;
      }
    };
  }

  /** Feeds one TLS call to its connection's conversation; returns what the conversation saw. */
  public List<HttpEvent> onEvent(TlsEvent e) {
    if (++sinceLastExpiry >= 1024) {
      sinceLastExpiry = 0;
      expire(e.endNs());
    }
    Key key = new Key(e.pid(), e.ssl());
    Entry entry = entries.get(key);
    // An SSL pointer freed and reused by a new connection: the old conversation is over.
    if (entry != null && e.tuple() != null && entry.tuple != null && !Objects.equals(entry.tuple, e.tuple())) {
      entries.remove(key);
      entry = null;
    }
    if (entry == null) {
      entry = new Entry(new HttpConversation(limits), e.tuple());
      entries.put(key, entry);
    }
    entry.lastNs = e.endNs();
    // When the data changed hands: a write hands it over at entry; a read may block long before data
    // arrives (an idle keep-alive connection), so its data is there only at return.
    long at = e.write() ? e.startNs() : e.endNs();
    return entry.conversation.onData(e.write() ? Direction.SENT : Direction.RECEIVED, e.data(), 0,
        e.captured(), e.length(), at);
  }

  /** Drops conversations idle since before {@code nowNs - idleTimeout}. */
  public void expire(long nowNs) {
    Iterator<Entry> it = entries.values().iterator();
    while (it.hasNext()) {
      Entry entry = it.next();
      if (nowNs - entry.lastNs < idleNs) {
        break; // access order: the rest are younger
      }
      it.remove();
      evicted++;
    }
  }

  public int size() {
    return entries.size();
  }

  public long evicted() {
    return evicted;
  }
}
