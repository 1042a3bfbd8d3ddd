package io.hybridmesh.cli.ui;

import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.cli.ReportPrinter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The service map from flows: workloads as nodes (their data path and L7 visibility from their capability
 * reports), and an edge for each pair of workloads that talked, in the direction of the request (replies
 * are turned around), with request rate, error rate and p99 latency for L7 and connections and bytes for
 * L3/L4. Pure: flows in, {@link Result} out; memory bounded by {@link Limits} whatever the number of flows.
 *
 * <p>Both ends of a watched connection report each request (reporter CLIENT and SERVER), so an edge keeps
 * the two ends apart and shows the one that saw more, named in the result, rather than a doubled sum.
 */
public final class ServiceMap {

  /** @param edges edges kept; @param connections connection ids followed for counting bytes */
  public record Limits(int edges, int connections) {
    public static final Limits DEFAULT = new Limits(10_000, 200_000);
  }

  /** A workload (or an address no workload is known for). dataPath and l7 are empty without a report. */
  public record Node(String id, String namespace, String name, String kind, String dataPath, String l7,
      boolean reported) {}

  /** L7 traffic of an edge as one end saw it; latencies in ns, rates per second. */
  public record L7(long requests, double requestRate, long responses, long errors, double errorRate, long p99Ns,
      String reporter) {}

  /** L3/L4 connections of an edge as one end saw it; bytes both ways at the IP layer, in the window. */
  public record L4(long connections, long bytes, String reporter) {}

  public record Edge(String id, String source, String target, L7 l7, L4 l4, List<String> dataPaths, long flows) {}

  /**
   * @param seconds what rates are per: the window, or less when the server's store no longer holds its start
   * @param flowsRead flows the server sent; flowsOffMap those that made no edge (no endpoint on either side,
   *     or the edge limit reached)
   */
  public record Result(List<Node> nodes, List<Edge> edges, double seconds, long flowsRead, long flowsOffMap,
      boolean edgeLimitReached) {}

  /** Which nodes to show: namespaces (empty: all) and workload data paths (empty: all). */
  public record Selection(Set<String> namespaces, Set<String> dataPaths) {
    public static final Selection ALL = new Selection(Set.of(), Set.of());
  }

  private static final class EdgeAcc {
    final String source;
    final String target;
    final EdgeStats[] byReporter = new EdgeStats[Reporter.values().length];
    final EnumSet<DataPath> dataPaths = EnumSet.noneOf(DataPath.class);
    long flows;

    EdgeAcc(String source, String target) {
      this.source = source;
      this.target = target;
    }
  }

  private final Limits limits;
  private final Map<String, EdgeAcc> edges = new LinkedHashMap<>();
  private final Map<String, Node> seen = new TreeMap<>();
  private int connectionBudget;
  private long flowsRead;
  private long flowsOffMap;
  private boolean edgeLimitReached;

  public ServiceMap(Limits limits) {
    this.limits = limits;
    this.connectionBudget = limits.connections();
  }

  public void add(Flow f) {
    flowsRead++;
    if (f.getType() != FlowType.L7 && f.getType() != FlowType.L3_L4) {
      flowsOffMap++;
      return;
    }
    boolean reply = f.hasIsReply() && f.getIsReply().getValue();
    Node from = node(reply ? f.getDestination() : f.getSource(),
        reply ? f.getIp().getDestination() : f.getIp().getSource());
    Node to = node(reply ? f.getSource() : f.getDestination(),
        reply ? f.getIp().getSource() : f.getIp().getDestination());
    if (from == null || to == null) {
      flowsOffMap++;
      return;
    }
    String key = from.id() + " -> " + to.id();
    EdgeAcc e = edges.get(key);
    if (e == null) {
      if (edges.size() >= limits.edges()) {
        edgeLimitReached = true;
        flowsOffMap++;
        return;
      }
      e = new EdgeAcc(from.id(), to.id());
      edges.put(key, e);
      seen.putIfAbsent(from.id(), from);
      seen.putIfAbsent(to.id(), to);
    }
    e.flows++;
    if (f.getDataPath() != DataPath.DATA_PATH_UNKNOWN && f.getDataPath() != DataPath.UNRECOGNIZED) {
      e.dataPaths.add(f.getDataPath());
    }
    int r = f.getReporter() == Reporter.UNRECOGNIZED ? 0 : f.getReporter().getNumber();
    if (e.byReporter[r] == null) {
      e.byReporter[r] = new EdgeStats();
    }
    e.byReporter[r].add(f, () -> connectionBudget-- > 0);
  }

  /** The map node of one end of a flow, or null when nothing names it. */
  static Node node(Endpoint e, String ip) {
    String name = e.getWorkloadsCount() > 0 && !e.getWorkloads(0).getName().isEmpty() ? e.getWorkloads(0).getName()
        : e.getPodName();
    String kind = e.getWorkloadsCount() > 0 ? e.getWorkloads(0).getKind() : "";
    if (!name.isEmpty()) {
      return new Node(id(e.getNamespace(), name), e.getNamespace(), name, kind, "", "", false);
    }
    if (!ip.isEmpty()) {
      return new Node("ip:" + ip, "", ip, "", "", "", false);
    }
    return null;
  }

  static String id(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /**
   * The map: reported workloads (with or without traffic) and the edges between workloads; the selection keeps
   * the nodes it names, the edges that touch one of them and the nodes at their other ends.
   *
   * @param window the time asked for; @param covered how much of it the server still held
   */
  public Result result(List<WorkloadReport> reports, Selection selection, Duration window, Duration covered) {
    Map<String, Node> nodes = new TreeMap<>(seen);
    for (WorkloadReport r : reports) {
      String id = id(r.getNamespace(), r.getName());
      nodes.put(id, new Node(id, r.getNamespace(), r.getName(), r.getKind(), r.getDataPath().name(),
          ReportPrinter.l7(r), true));
    }
    double seconds = Math.max(1e-3, Math.min(window.toMillis(), covered.toMillis()) / 1000.0);
    List<Edge> kept = new ArrayList<>();
    Map<String, Node> shown = new TreeMap<>();
    nodes.values().stream().filter(n -> selected(n, selection)).forEach(n -> shown.put(n.id(), n));
    for (EdgeAcc e : edges.values()) {
      Node s = nodes.get(e.source);
      Node t = nodes.get(e.target);
      if (!selected(s, selection) && !selected(t, selection)) {
        continue;
      }
      shown.put(s.id(), s);
      shown.put(t.id(), t);
      kept.add(edge(e, seconds));
    }
    return new Result(List.copyOf(shown.values()), kept, seconds, flowsRead, flowsOffMap, edgeLimitReached);
  }

  private static boolean selected(Node n, Selection s) {
    return (s.namespaces().isEmpty() || s.namespaces().contains(n.namespace()))
        && (s.dataPaths().isEmpty() || s.dataPaths().contains(n.reported() ? n.dataPath() : "UNREPORTED"));
  }

  private static Edge edge(EdgeAcc e, double seconds) {
    EdgeStats l7 = null;
    EdgeStats l4 = null;
    int l7At = 0;
    int l4At = 0;
    // Prefer the client's view on a tie: its latency is the one the caller waited.
    for (int r : new int[] {Reporter.CLIENT_VALUE, Reporter.SERVER_VALUE, Reporter.REPORTER_UNKNOWN_VALUE}) {
      EdgeStats s = e.byReporter[r];
      if (s == null) {
        continue;
      }
      if (s.l7Weight() > 0 && (l7 == null || s.l7Weight() > l7.l7Weight())) {
        l7 = s;
        l7At = r;
      }
      if (s.connections() > 0 && (l4 == null || s.connections() > l4.connections())) {
        l4 = s;
        l4At = r;
      }
    }
    L7 l7View = l7 == null ? null : new L7(l7.requests, Math.max(l7.requests, l7.responses) / seconds,
        l7.responses, l7.errors, l7.responses == 0 ? 0 : (double) l7.errors / l7.responses, l7.p99Ns(),
        reporter(l7At));
    L4 l4View = l4 == null ? null : new L4(l4.connections(), l4.bytes(), reporter(l4At));
    return new Edge(e.source + " -> " + e.target, e.source, e.target, l7View, l4View,
        e.dataPaths.stream().map(Enum::name).toList(), e.flows);
  }

  private static String reporter(int r) {
    return r == Reporter.CLIENT_VALUE ? "client" : r == Reporter.SERVER_VALUE ? "server" : "unknown";
  }
}
