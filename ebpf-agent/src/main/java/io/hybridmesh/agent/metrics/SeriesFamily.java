package io.hybridmesh.agent.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * One metric family with labels (a counter or a histogram) whose number of series is capped: once
 * {@code maxSeries} label sets exist, observations with a new label set go to a single series whose every
 * label is {@value #OVERFLOW}, and are counted in {@link #overflowed()}. Series not updated for a while
 * are removed by {@link #expire}, and series of a departed workload by {@link #forget}. Thread-safe;
 * updates take no lock unless they create a series.
 */
final class SeriesFamily {

  static final String OVERFLOW = "_overflow";

  enum Kind { COUNTER, HISTOGRAM }

  private final String name;
  private final String help;
  private final Kind kind;
  private final List<String> labelNames;
  private final double[] buckets;
  private final int maxSeries;
  private final List<String> overflowLabels;
  private final Map<List<String>, Series> series = new ConcurrentHashMap<>();
  private final AtomicLong overflowed = new AtomicLong();

  SeriesFamily(String name, String help, Kind kind, List<String> labelNames, double[] buckets, int maxSeries) {
    if (maxSeries < 1) {
      throw new IllegalArgumentException("a metric family needs room for at least one series, got " + maxSeries);
    }
    this.name = name;
    this.help = help;
    this.kind = kind;
    this.labelNames = List.copyOf(labelNames);
    this.buckets = buckets == null ? new double[0] : buckets.clone();
    this.maxSeries = maxSeries;
    this.overflowLabels = LabelValues.copyOf(Collections.nCopies(labelNames.size(), OVERFLOW));
  }

  String name() {
    return name;
  }

  /** Observations that went to the overflow series because the family was full. */
  long overflowed() {
    return overflowed.get();
  }

  int size() {
    return series.size();
  }

  void add(List<String> labels, long n, long nowMillis) {
    series(labels, nowMillis).count.add(n);
  }

  void observe(List<String> labels, double value, long nowMillis) {
    Series s = series(labels, nowMillis);
    s.count.increment();
    s.sum.add(value);
    for (int i = 0; i < buckets.length; i++) {
      if (value <= buckets[i]) {
        s.buckets[i].increment(); // per bucket here; cumulated when rendered
        break;
      }
    }
  }

  private Series series(List<String> labels, long nowMillis) {
    Series s = series.get(labels);
    if (s == null) {
      synchronized (this) {
        s = series.get(labels);
        if (s == null) {
          // The overflow series is one of the capped series, so the family never holds more than maxSeries.
          boolean full = series.size() >= (series.containsKey(overflowLabels) ? maxSeries : maxSeries - 1);
          if (full && !labels.equals(overflowLabels)) {
            overflowed.incrementAndGet();
            s = series.computeIfAbsent(overflowLabels, k -> new Series(buckets.length));
          } else {
            s = new Series(buckets.length);
            series.put(LabelValues.copyOf(labels), s);
          }
        }
      }
    }
    s.touched = nowMillis;
    return s;
  }

  /** Removes series last updated before {@code cutoffMillis}; returns how many. */
  int expire(long cutoffMillis) {
    int before = series.size();
    series.values().removeIf(s -> s.touched < cutoffMillis);
    return before - series.size();
  }

  /** Removes series whose label values match; returns how many. */
  int forget(Predicate<List<String>> labels) {
    int before = series.size();
    series.keySet().removeIf(labels);
    return before - series.size();
  }

  int labelIndex(String labelName) {
    return labelNames.indexOf(labelName);
  }

  void render(StringBuilder out) {
    if (series.isEmpty()) {
      return;
    }
    TextFormat.header(out, name, help, kind == Kind.COUNTER ? "counter" : "histogram");
    List<Map.Entry<List<String>, Series>> sorted = new ArrayList<>(series.entrySet());
    sorted.sort((a, b) -> String.join("\u0000", a.getKey()).compareTo(String.join("\u0000", b.getKey())));
    for (Map.Entry<List<String>, Series> e : sorted) {
      Series s = e.getValue();
      if (kind == Kind.COUNTER) {
        TextFormat.sampleName(out, name, labelNames, e.getKey(), null, null);
        out.append(' ').append(s.count.sum()).append('\n');
        continue;
      }
      long count = s.count.sum();
      long cumulative = 0;
      for (int i = 0; i < buckets.length; i++) {
        cumulative += s.buckets[i].sum();
        TextFormat.sampleName(out, name + "_bucket", labelNames, e.getKey(), "le", TextFormat.number(buckets[i]));
        out.append(' ').append(cumulative).append('\n');
      }
      TextFormat.sampleName(out, name + "_bucket", labelNames, e.getKey(), "le", "+Inf");
      // Read once: count may move on while we render; +Inf must not be below the last bucket.
      out.append(' ').append(Math.max(count, cumulative)).append('\n');
      TextFormat.sampleName(out, name + "_sum", labelNames, e.getKey(), null, null);
      out.append(' ').append(TextFormat.number(s.sum.sum())).append('\n');
      TextFormat.sampleName(out, name + "_count", labelNames, e.getKey(), null, null);
      out.append(' ').append(Math.max(count, cumulative)).append('\n');
    }
  }

  private static final class Series {
    volatile long touched;
    final LongAdder count = new LongAdder();
    final DoubleAdder sum = new DoubleAdder();
    final LongAdder[] buckets;

    Series(int n) {
      buckets = new LongAdder[n];
      for (int i = 0; i < n; i++) {
        buckets[i] = new LongAdder();
      }
    }
  }
}
