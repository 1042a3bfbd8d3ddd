package io.hybridmesh.agent.metrics;

import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import java.util.LinkedHashMap;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Verdict;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The agent's Prometheus metrics, computed from the flows it produces (as Hubble's are) plus a few
 * counters read from the data path when scraped. A {@link FlowSink}, so it sits in the agent's tee after
 * redaction; {@link #render()} gives the text exposition. Pure: no I/O, time from the clock passed in.
 *
 * <p>HTTP metrics follow Hubble's httpV2: counted once per response (which repeats its request's method
 * and carries the latency), with source and destination from the request's point of view. Label values
 * that come off the wire are bounded (methods outside the standard set are {@code OTHER}; status is a
 * class such as {@code 2xx}); workloads are bounded by the per-family cap and the series expiry.
 */
public final class FlowMetrics implements FlowSink {

  /** Request durations in seconds: finer at the low end than Prometheus' defaults, for local calls. */
  static final double[] DURATION_BUCKETS =
      {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  /** The reporter label by enum ordinal: the name in lower case, without a "reporter_" prefix. */
  private static final String[] REPORTERS = java.util.Arrays.stream(Reporter.values())
      .map(r -> r.name().toLowerCase(Locale.ROOT).replace("reporter_", "")).toArray(String[]::new);
  private static final String[] STATUS_CLASSES = {"0xx", "1xx", "2xx", "3xx", "4xx", "5xx"};
  private static final List<String> HTTP_LABELS = List.of("source_namespace", "source_workload",
      "destination_namespace", "destination_workload", "reporter", "method", "status");

  private final MetricsOptions options;
  private final LongSupplier clockMillis;
  private final SeriesFamily flows;
  private final SeriesFamily httpRequests;
  private final SeriesFamily httpDuration;
  private final SeriesFamily lost;
  private final List<SeriesFamily> families;
  private final List<Reading> readings = new CopyOnWriteArrayList<>();
  private final List<FixedGauge> fixed = new CopyOnWriteArrayList<>();
  private FlowLabels lastFlowLabels = new FlowLabels(null, null, null, List.of());

  public FlowMetrics(MetricsOptions options) {
    this(options, System::currentTimeMillis);
  }

  /** With a clock for tests; {@code clockMillis} behaves like {@link System#currentTimeMillis()}. */
  public FlowMetrics(MetricsOptions options, LongSupplier clockMillis) {
    this.options = Objects.requireNonNull(options, "options");
    this.clockMillis = Objects.requireNonNull(clockMillis, "clockMillis");
    int cap = options.maxSeriesPerFamily();
    flows = new SeriesFamily("hmesh_flows_processed_total", "Flows produced, by type, verdict and data path.",
        SeriesFamily.Kind.COUNTER, List.of("type", "verdict", "data_path"), null, cap);
    httpRequests = new SeriesFamily("hmesh_http_requests_total",
        "HTTP requests answered, counted at the response; source/destination from the request's view.",
        SeriesFamily.Kind.COUNTER, HTTP_LABELS, null, cap);
    httpDuration = new SeriesFamily("hmesh_http_request_duration_seconds",
        "Time from the request's first byte to the response head, for responses paired with their request.",
        SeriesFamily.Kind.HISTOGRAM, HTTP_LABELS, DURATION_BUCKETS, cap);
    lost = new SeriesFamily("hmesh_lost_events_total", "Events lost on the way to flows, by where they were lost.",
        SeriesFamily.Kind.COUNTER, List.of("source"), null, cap);
    families = List.of(flows, httpRequests, httpDuration, lost);
  }

  public MetricsOptions options() {
    return options;
  }

  /**
   * Adds a value read when scraped, without labels: a counter (name ends in {@code _total}) or a gauge.
   * For numbers kept elsewhere: kernel drop counters, probe attach failures, the flow ring's fill.
   */
  public FlowMetrics reading(String name, String help, boolean counter, LongSupplier value) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a Prometheus metric name: " + name);
    }
    readings.add(new Reading(name, help, counter, Objects.requireNonNull(value, "value")));
    return this;
  }

  private record Reading(String name, String help, boolean counter, LongSupplier value) {}

  /**
   * Adds a gauge with labels whose samples are fixed when added: facts measured once, such as what a
   * uprobe hit costs on this node. Label sets in the map's order; an empty map adds nothing.
   */
  public FlowMetrics fixedGauge(String name, String help, List<String> labelNames,
      Map<List<String>, Double> samples) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a Prometheus metric name: " + name);
    }
    for (List<String> labels : samples.keySet()) {
      if (labels.size() != labelNames.size()) {
        throw new IllegalArgumentException(name + ": " + labelNames.size() + " label values expected, got " + labels);
      }
    }
    if (!samples.isEmpty()) {
      fixed.add(new FixedGauge(name, help, List.copyOf(labelNames), new LinkedHashMap<>(samples)));
    }
    return this;
  }

  private record FixedGauge(String name, String help, List<String> labelNames, Map<List<String>, Double> samples) {}

  @Override
  public void accept(Flow flow) {
    long now = clockMillis.getAsLong();
    flows.add(flowLabels(flow), 1, now);
    if (!flow.hasL7() || !flow.getL7().hasHttp()) {
      return;
    }
    Layer7 l7 = flow.getL7();
    if (l7.getType() != L7FlowType.RESPONSE && l7.getType() != L7FlowType.SAMPLE) {
      return;
    }
    HTTP http = l7.getHttp();
    // A response travels server to client: the request went the other way.
    boolean reply = flow.hasIsReply() ? flow.getIsReply().getValue() : l7.getType() == L7FlowType.RESPONSE;
    Endpoint client = reply ? flow.getDestination() : flow.getSource();
    Endpoint server = reply ? flow.getSource() : flow.getDestination();
    List<String> labels = LabelValues.of(client.getNamespace(), workload(client), server.getNamespace(),
        workload(server), REPORTERS[flow.getReporter().ordinal()], method(http.getMethod()),
        statusClass(http.getCode()));
    httpRequests.add(labels, 1, now);
    // A response seen without its request has no latency; a zero would pull the histogram down.
    if (l7.getLatencyNs() > 0) {
      httpDuration.observe(labels, l7.getLatencyNs() / 1e9, now);
    }
  }

  @Override
  public void lost(LostEvent event) {
    if (event.getNumEventsLost() > 0) {
      lost.add(List.of(event.getSource().name().toLowerCase(Locale.ROOT)), event.getNumEventsLost(),
          clockMillis.getAsLong());
    }
  }

  /** A workload's name; in standalone mode, where endpoints are network namespaces, the pod name. */
  static String workload(Endpoint e) {
    if (e.getWorkloadsCount() > 0 && !e.getWorkloads(0).getName().isEmpty()) {
      return e.getWorkloads(0).getName();
    }
    return e.getPodName();
  }

  static String method(String m) {
    return METHODS.contains(m) ? m : m.isEmpty() ? "" : "OTHER";
  }

  static String statusClass(int code) {
    return code >= 100 && code < 600 ? STATUS_CLASSES[code / 100] : "unknown";
  }

  /** The labels of hmesh_flows_processed_total; almost every flow has the same as the one before. */
  private List<String> flowLabels(Flow flow) {
    FlowLabels last = lastFlowLabels;
    if (last.type() == flow.getType() && last.verdict() == flow.getVerdict()
        && last.dataPath() == flow.getDataPath()) {
      return last.labels();
    }
    FlowLabels next = new FlowLabels(flow.getType(), flow.getVerdict(), flow.getDataPath(),
        LabelValues.of(flow.getType().name(), flow.getVerdict().name(), flow.getDataPath().name()));
    lastFlowLabels = next; // racy on purpose: the record is immutable, a lost update costs one rebuild
    return next.labels();
  }

  private record FlowLabels(FlowType type, Verdict verdict, DataPath dataPath, List<String> labels) {}

  /**
   * Removes every HTTP series where the workload is the source or the destination: for a workload (or,
   * standalone, a network namespace) known to be gone, without waiting for the expiry.
   */
  public int forget(String namespace, String workload) {
    int removed = 0;
    for (SeriesFamily f : List.of(httpRequests, httpDuration)) {
      int sn = f.labelIndex("source_namespace");
      int sw = f.labelIndex("source_workload");
      int dn = f.labelIndex("destination_namespace");
      int dw = f.labelIndex("destination_workload");
      removed += f.forget(l -> (l.get(sn).equals(namespace) && l.get(sw).equals(workload))
          || (l.get(dn).equals(namespace) && l.get(dw).equals(workload)));
    }
    return removed;
  }

  /** Removes series not updated within the TTL; also done by every {@link #render()}. */
  public int expire() {
    long cutoff = clockMillis.getAsLong() - options.seriesTtl().toMillis();
    int removed = 0;
    for (SeriesFamily f : families) {
      removed += f.expire(cutoff);
    }
    return removed;
  }

  /** Series currently held, over all families (for tests and a sanity gauge). */
  public int seriesCount() {
    return families.stream().mapToInt(SeriesFamily::size).sum();
  }

  /** The text exposition (format 0.0.4) of every metric. */
  public String render() {
    expire();
    StringBuilder out = new StringBuilder(4096);
    for (SeriesFamily f : families) {
      f.render(out);
    }
    TextFormat.header(out, "hmesh_metrics_label_overflow_total",
        "Observations that went to a family's _overflow series because it held the most series allowed.",
        "counter");
    for (SeriesFamily f : families) {
      TextFormat.sampleName(out, "hmesh_metrics_label_overflow_total", List.of("metric"), List.of(f.name()),
          null, null);
      out.append(' ').append(f.overflowed()).append('\n');
    }
    for (Reading r : readings) {
      long v;
      try {
        v = r.value().getAsLong();
      } catch (RuntimeException e) {
        continue; // the source is gone (agent closing); a missing sample beats a failed scrape
      }
      TextFormat.header(out, r.name(), r.help(), r.counter() ? "counter" : "gauge");
      out.append(r.name()).append(' ').append(v).append('\n');
    }
    for (FixedGauge g : fixed) {
      TextFormat.header(out, g.name(), g.help(), "gauge");
      g.samples().forEach((labels, value) -> {
        TextFormat.sampleName(out, g.name(), g.labelNames(), labels, null, null);
        out.append(' ').append(TextFormat.number(value)).append('\n');
      });
    }
    return out.toString();
  }
}
