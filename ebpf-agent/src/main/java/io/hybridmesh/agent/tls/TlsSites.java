package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.binary.UprobeTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a TLS library's probe targets into the sites to attach. Pure.
 *
 * <p>Two targets whose probes go to one offset (SSL_write and SSL_write_ex both served at the internal
 * function they call) become one site, so each call is seen once. A site away from a function's entry is
 * that internal function, whose shape is the _ex form's; at an entry, the function's own name says the
 * shape. An offset claimed by a write and a read function at once can only come from a corrupt or hostile
 * file: it is not probed. SSL_set_fd, where there is one, is a site of its own, an entry probe only
 * ({@link TlsSite#bindsSocket}).
 */
public final class TlsSites {

  private static final List<String> WRITES = List.of("SSL_write", "SSL_write_ex");
  private static final List<String> READS = List.of("SSL_read", "SSL_read_ex");

  private TlsSites() {}

  public static List<TlsSite> of(List<UprobeTarget> targets) {
    Map<Long, Draft> byOffset = new LinkedHashMap<>();
    List<Long> conflicting = new ArrayList<>();
    List<TlsSite> setFd = new ArrayList<>();
    for (UprobeTarget t : targets) {
      if (t.symbol().equals(TlsSite.SET_FD)) {
        if (t.isResolved()) {
          setFd.add(TlsSite.setFd(t.siteOffset()));
        }
        continue;
      }
      boolean write = WRITES.contains(t.symbol());
      if ((!write && !READS.contains(t.symbol())) || !t.isResolved()) {
        continue;
      }
      long at = t.siteOffset();
      boolean atEntry = at == t.offset();
      boolean ex = !atEntry || t.symbol().endsWith("_ex");
      Draft d = byOffset.get(at);
      if (d == null) {
        byOffset.put(at, new Draft(write, ex, atEntry, new ArrayList<>(List.of(t.symbol()))));
      } else if (d.write != write) {
        conflicting.add(at);
      } else {
        d.functions.add(t.symbol());
        // The function whose entry this is decides the shape (an alias of the plain form reads as plain).
        if (atEntry && !d.fromEntry) {
          d.ex = ex;
          d.fromEntry = true;
        }
      }
    }
    conflicting.forEach(byOffset::remove);
    List<TlsSite> out = new ArrayList<>();
    byOffset.forEach((at, d) -> out.add(new TlsSite(d.write, at, d.ex, d.functions)));
    // Only beside calls to read: a file whose reads and writes are not probed has no use for it, and an
    // offset a read or write already claims is a corrupt or hostile file's.
    if (!out.isEmpty()) {
      setFd.stream().filter(s -> !byOffset.containsKey(s.fileOffset()) && !conflicting.contains(s.fileOffset()))
          .limit(1).forEach(out::add);
    }
    return out;
  }

  private static final class Draft {
    final boolean write;
    boolean ex;
    boolean fromEntry;
    final List<String> functions;

    Draft(boolean write, boolean ex, boolean fromEntry, List<String> functions) {
      this.write = write;
      this.ex = ex;
      this.fromEntry = fromEntry;
      this.functions = functions;
    }
  }
}
