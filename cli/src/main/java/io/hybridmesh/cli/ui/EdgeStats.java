package io.hybridmesh.cli.ui;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.Verdict;
import java.util.HashMap;
import java.util.Map;

/**
 * What one end (client or server reporter, or an unknown one) saw of the traffic between two workloads:
 * L7 requests, responses, errors and their latencies; L3/L4 connections and the bytes they carried in the
 * window. Both ends of a watched connection report the same requests and connections, so the map shows one
 * end's view per edge, never the sum (see {@link ServiceMap}).
 */
final class EdgeStats {

  /** Connection ids followed across the whole map, to count each connection and its bytes once. */
  interface ConnectionBudget {
    boolean take();
  }

  long requests;
  long responses;
  long errors;
  private LatencyHistogram latencies;
  /** Per connection id: the cumulative bytes of its first record in the window, and of its latest. */
  private final Map<String, long[]> connections = new HashMap<>();
  /** Connections seen but not followed (the budget ran out): counted, their bytes unknown. */
  long untrackedConnections;

  void add(Flow f, ConnectionBudget budget) {
    if (f.getType() == FlowType.L7 && f.hasL7()) {
      addL7(f);
    } else if (f.getType() == FlowType.L3_L4 && f.hasConnection()) {
      addConnection(f, budget);
    }
  }

  private void addL7(Flow f) {
    Layer7 l7 = f.getL7();
    if (l7.getType() == L7FlowType.REQUEST) {
      requests++;
    } else if (l7.getType() == L7FlowType.RESPONSE) {
      responses++;
      if (isError(f)) {
        errors++;
      }
      if (l7.getLatencyNs() > 0) {
        if (latencies == null) {
          latencies = new LatencyHistogram();
        }
        latencies.add(l7.getLatencyNs());
      }
    }
  }

  /** A response the caller would count as failed: HTTP 5xx, a gRPC status other than OK, a drop or an error. */
  static boolean isError(Flow f) {
    if (f.getVerdict() == Verdict.DROPPED || f.getVerdict() == Verdict.ERROR) {
      return true;
    }
    Layer7 l7 = f.getL7();
    if (l7.hasGrpc() && !l7.getGrpc().getStatusName().isEmpty()) {
      return l7.getGrpc().getStatusCode() != 0;
    }
    return l7.hasHttp() && l7.getHttp().getCode() >= 500;
  }

  private void addConnection(Flow f, ConnectionBudget budget) {
    String id = f.getConnection().getId();
    long bytes = f.getConnection().getToDestination().getBytes() + f.getConnection().getToSource().getBytes();
    long[] seen = connections.get(id);
    if (seen != null) {
      seen[1] = Math.max(seen[1], bytes);
      return;
    }
    if (id.isEmpty() || !budget.take()) {
      untrackedConnections++;
      return;
    }
    // A connection that starts in the window carried nothing before it; one that was already open had its
    // earlier bytes counted in its first record, which belong to the time before the window.
    boolean starts = f.getConnection().getState() == io.hybridmesh.api.flow.v1.ConnectionState.NEW;
    connections.put(id, new long[] {starts ? 0 : bytes, bytes});
  }

  long connections() {
    return connections.size() + untrackedConnections;
  }

  long bytes() {
    long sum = 0;
    for (long[] c : connections.values()) {
      sum += c[1] - c[0];
    }
    return sum;
  }

  /** The p99 latency in ns (bucketed, see {@link LatencyHistogram}), or 0 with no response latency. */
  long p99Ns() {
    return latencies == null ? 0 : latencies.quantile(0.99);
  }

  /** How much this end saw: the view with more wins. */
  long l7Weight() {
    return Math.max(requests, responses);
  }
}
