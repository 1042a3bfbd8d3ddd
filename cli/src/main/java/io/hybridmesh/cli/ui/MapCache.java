package io.hybridmesh.cli.ui;

import io.hybridmesh.api.observer.v1.ServerStatusResponse;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The map answers already made, reused while they are still exactly what a new aggregation would give: the
 * server has taken no flow since (its count of flows ever offered, and its nodes, unchanged), the reports are
 * the same, and no flow the answer counted has left the window since. Aggregating the window's flows is most
 * of a large map's answer time (15,000 flows: 0.1-0.3 s warm, a second cold); a page opened again, or by a
 * second person, on a mesh that is quiet gets its map from memory. On a mesh with live traffic every request
 * aggregates anew: an answer is never stale. Pure: the caller brings the server's state and the time.
 *
 * <p>Bounded: at most {@link #ENTRIES} answers (the least recently used goes), each at most {@link #MAX_AGE}
 * old, which also bounds what a server that does not count its flows could make stale.
 */
final class MapCache {

  static final int ENTRIES = 4;
  static final Duration MAX_AGE = Duration.ofSeconds(30);

  /**
   * What the answer was made from.
   *
   * @param oldestFlow the earliest time of a flow it counted, or null when it counted none
   */
  record Made(List<WorkloadReport> reports, ServerState server, Instant at, Instant oldestFlow) {}

  /** The part of the server's status that changes when its store does. */
  record ServerState(long seenFlows, long numFlows, long connectedNodes, long unavailableNodes) {
    static ServerState of(ServerStatusResponse s) {
      return new ServerState(s.getSeenFlows(), s.getNumFlows(), s.getNumConnectedNodes(), s.getNumUnavailableNodes());
    }
  }

  private record Entry(String answer, Made made) {}

  private final Map<UiRequests.MapQuery, Entry> entries = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UiRequests.MapQuery, Entry> eldest) {
      return size() > ENTRIES;
    }
  };

  /** The answer made for {@code q} if it still holds now, else null. */
  synchronized String get(UiRequests.MapQuery q, List<WorkloadReport> reports, ServerState server, Instant now) {
    Entry e = entries.get(q);
    if (e == null) {
      return null;
    }
    if (!holds(e.made(), q.window(), reports, server, now)) {
      entries.remove(q);
      return null;
    }
    return e.answer();
  }

  synchronized void put(UiRequests.MapQuery q, String answer, Made made) {
    if (made.server().seenFlows() > 0) { // a server that does not count what it takes cannot say nothing changed
      entries.put(q, new Entry(answer, made));
    }
  }

  static boolean holds(Made made, Duration window, List<WorkloadReport> reports, ServerState server, Instant now) {
    Duration age = Duration.between(made.at(), now);
    return !age.isNegative() && age.compareTo(MAX_AGE) <= 0
        && made.server().equals(server)
        && (made.oldestFlow() == null || !made.oldestFlow().isBefore(now.minus(window)))
        && made.reports().equals(reports);
  }
}
