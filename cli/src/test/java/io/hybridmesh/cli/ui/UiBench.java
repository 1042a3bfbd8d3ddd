package io.hybridmesh.cli.ui;

import com.google.gson.JsonObject;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The UI's two targets, measured in headless Chromium against a synthetic Observer server in this JVM (real
 * gRPC over loopback, the real gateway): the first paint of a map of 500 workloads and 5,000 edges (from
 * navigation start, the gateway's aggregation and the bundle's load included), and the live page under
 * 2,000 flows/s (flows the page received, animation frames it drew, how long it took to answer while
 * loaded). A benchmark, not a test: bench/ui.sh runs it; it prints numbers and judges nothing.
 */
public final class UiBench {

  private static final int WORKLOADS = 500;
  private static final int TARGETS_EACH = 10; // 5,000 edges

  private UiBench() {}

  public static void main(String[] args) throws Exception {
    int paints = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    int liveSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path shots = Path.of(args.length > 3 ? args[3] : "target/ui-bench");
    RingSink sink = new RingSink(new FlowRing(1 << 17));
    List<WorkloadReport> reports = reports();
    ObserverServer observer = ObserverServer.tcp("127.0.0.1", 0,
        new ObserverService(sink, "bench", "bench", "", () -> reports)).start();
    fillMap(sink, Instant.now());
    UiServer ui = UiServer.open("127.0.0.1:0", "127.0.0.1:" + observer.port(), new PrintStream(new ByteArrayOutputStream()));
    String url = ui.url();
    System.out.printf("ui bench: load average %s on %d CPUs (other work on this machine skews every number)%n",
        java.nio.file.Files.readString(Path.of("/proc/loadavg")).strip(), Runtime.getRuntime().availableProcessors());
    try (Chromium b = Chromium.start(1400, 900)) {
      JsonObject p = new JsonObject();
      p.addProperty("source", "window.__longtasks = []; new PerformanceObserver((l) => l.getEntries().forEach("
          + "(e) => window.__longtasks.push(e.duration))).observe({ type: 'longtask', buffered: true });");
      b.call("Page.addScriptToEvaluateOnNewDocument", p);
      if (System.getenv("BENCH_PROFILE") != null) {
        profileMap(b, url);
        return;
      }
      mapPaint(b, url, paints, shots);
      live(b, url, sink, rate, liveSeconds, shots);
    } finally {
      ui.close();
      observer.close();
    }
  }

  private static void mapPaint(Chromium b, String url, int rounds, Path shots) throws Exception {
    List<Double> painted = new ArrayList<>();
    List<Double> laidOut = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      b.navigate("about:blank");
      Thread.sleep(300);
      b.navigate(url + "#/map?round=" + i);
      b.waitFor("the map painted", "window.hmeshMap && window.hmeshMap.paintedAt", Duration.ofSeconds(60));
      painted.add(b.eval("window.hmeshMap.paintedAt").getAsDouble());
      String drawn = b.eval("JSON.stringify(window.hmeshMap.painted)").getAsString()
          + " " + b.eval("JSON.stringify(window.hmeshMap.timing, (k, v) => typeof v === 'number' ? Math.round(v) : v)")
          .getAsString();
      // When the map's answer and the page's script arrived (resource timing), and the answer's size.
      drawn += " " + b.eval("JSON.stringify(performance.getEntriesByType('resource').filter((r) =>"
          + " /api\\/map|app\\.js/.test(r.name)).map((r) => `${r.name.replace(/.*\\//, '').replace(/\\?.*/, '')}"
          + " ${Math.round(r.startTime)}-${Math.round(r.responseStart)}-${Math.round(r.responseEnd)}"
          + " ${Math.round(r.encodedBodySize / 1024)}KiB`))").getAsString();
      b.waitFor("the force layout done", "window.hmeshMap.layoutDoneAt", Duration.ofSeconds(120));
      laidOut.add(b.eval("window.hmeshMap.layoutDoneAt").getAsDouble());
      System.out.printf("map round %d: %s, first paint %.0f ms after navigation start, force layout done at %.0f ms%n",
          i + 1, drawn, painted.get(i), laidOut.get(i));
    }
    b.screenshot(shots.resolve("map-500x5000.png"));
    System.out.printf("map first paint (500 workloads, 5,000 edges): median %.0f ms, max %.0f ms over %d rounds;"
        + " force layout done: median %.0f ms (target: first paint <= 1000 ms)%n", median(painted),
        Collections.max(painted), rounds, median(laidOut));
  }

  /** BENCH_PROFILE=1: where one map load spends the page's CPU (self time per function, the top 25). */
  private static void profileMap(Chromium b, String url) throws Exception {
    b.navigate("about:blank");
    b.call("Profiler.enable", new JsonObject());
    JsonObject interval = new JsonObject();
    interval.addProperty("interval", 500);
    b.call("Profiler.setSamplingInterval", interval);
    b.call("Profiler.start", new JsonObject());
    b.navigate(url + "#/map");
    b.waitFor("the map painted", "window.hmeshMap && window.hmeshMap.paintedAt", Duration.ofSeconds(60));
    // What ran after the paint (labels, the force layout) is not the paint's: samples after it are left out.
    double sincePaintMs = b.eval("performance.now() - window.hmeshMap.paintedAt").getAsDouble();
    JsonObject profile = b.call("Profiler.stop", new JsonObject()).getAsJsonObject("profile");
    trimAfter(profile, profile.get("endTime").getAsDouble() - sincePaintMs * 1000);
    java.util.Map<Integer, String> names = new java.util.HashMap<>();
    java.util.Map<String, Integer> self = new java.util.HashMap<>();
    profile.getAsJsonArray("nodes").forEach(n -> {
      JsonObject f = n.getAsJsonObject().getAsJsonObject("callFrame");
      names.put(n.getAsJsonObject().get("id").getAsInt(), f.get("functionName").getAsString() + " "
          + f.get("url").getAsString().replaceAll(".*/", "") + ":" + f.get("lineNumber").getAsInt() + ":"
          + f.get("columnNumber").getAsInt());
    });
    profile.getAsJsonArray("samples").forEach(x -> self.merge(names.get(x.getAsInt()), 1, Integer::sum));
    timeline(profile, names, sincePaintMs + b.eval("window.hmeshMap.paintedAt").getAsDouble());
    int total = profile.getAsJsonArray("samples").size();
    System.out.println("paint at " + b.eval("window.hmeshMap.paintedAt") + " ms, timing "
        + b.eval("JSON.stringify(window.hmeshMap.timing)") + ", " + total + " samples");
    self.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(25)
        .forEach(e -> System.out.printf("%6.0f ms  %s%n", e.getValue() * 0.5, e.getKey()));
    // The call stacks (up to 6 frames) that spent the most self time: who calls the hot functions.
    java.util.Map<Integer, Integer> parent = new java.util.HashMap<>();
    profile.getAsJsonArray("nodes").forEach(n -> {
      if (n.getAsJsonObject().has("children")) {
        n.getAsJsonObject().getAsJsonArray("children").forEach(c -> parent.put(c.getAsInt(),
            n.getAsJsonObject().get("id").getAsInt()));
      }
    });
    java.util.Map<String, Integer> stacks = new java.util.HashMap<>();
    profile.getAsJsonArray("samples").forEach(x -> {
      StringBuilder st = new StringBuilder();
      Integer id = x.getAsInt();
      for (int depth = 0; depth < 6 && id != null; depth++, id = parent.get(id)) {
        st.append(depth == 0 ? "" : " < ").append(names.get(id).replaceAll(" app.js:", "@"));
      }
      if (!st.toString().startsWith("(")) {
        stacks.merge(st.toString(), 1, Integer::sum);
      }
    });
    stacks.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(8)
        .forEach(e -> System.out.printf("%6.0f ms  %s%n", e.getValue() * 0.5, e.getKey()));
  }

  /**
   * The page's main thread by 100 ms of navigation time: how busy it was and its top (self time) functions,
   * so that the stages (script, answer, elements, style, draw) show where they fall.
   */
  private static void timeline(JsonObject profile, java.util.Map<Integer, String> names, double endMs) {
    com.google.gson.JsonArray samples = profile.getAsJsonArray("samples");
    com.google.gson.JsonArray deltas = profile.getAsJsonArray("timeDeltas");
    double[] at = new double[samples.size()];
    double t = profile.get("startTime").getAsDouble();
    for (int i = 0; i < samples.size(); i++) {
      t += deltas.get(i).getAsDouble();
      at[i] = t;
    }
    double end = profile.get("endTime").getAsDouble();
    java.util.TreeMap<Integer, java.util.Map<String, Double>> buckets = new java.util.TreeMap<>();
    for (int i = 1; i < at.length; i++) {
      int bucket = (int) Math.floor((endMs - (end - at[i]) / 1000) / 100);
      String name = names.get(samples.get(i).getAsInt()).replaceAll(" app.js:", "@");
      buckets.computeIfAbsent(bucket, k -> new java.util.HashMap<>()).merge(name, (at[i] - at[i - 1]) / 1000,
          Double::sum);
    }
    buckets.forEach((bucket, fns) -> {
      if (bucket < 0) {
        return;
      }
      double busy = fns.entrySet().stream().filter(e -> !e.getKey().startsWith("(idle)")).mapToDouble(
          java.util.Map.Entry::getValue).sum();
      StringBuilder top = new StringBuilder();
      fns.entrySet().stream().filter(e -> !e.getKey().startsWith("(idle)")).sorted((x, y) -> Double.compare(
          y.getValue(), x.getValue())).limit(3).forEach(e -> top.append(String.format(Locale.ROOT, "  %.0f %s",
          e.getValue(), e.getKey())));
      System.out.printf(Locale.ROOT, "%5d ms: busy %3.0f ms%s%n", bucket * 100, busy, top);
    });
  }

  /** Drops the samples taken after {@code endUs} (the profile's clock, microseconds). */
  private static void trimAfter(JsonObject profile, double endUs) {
    com.google.gson.JsonArray samples = profile.getAsJsonArray("samples");
    com.google.gson.JsonArray deltas = profile.getAsJsonArray("timeDeltas");
    com.google.gson.JsonArray kept = new com.google.gson.JsonArray();
    double t = profile.get("startTime").getAsDouble();
    for (int i = 0; i < samples.size(); i++) {
      t += deltas.get(i).getAsDouble();
      if (t <= endUs) {
        kept.add(samples.get(i));
      }
    }
    profile.add("samples", kept);
  }

  private static void live(Chromium b, String url, RingSink sink, int rate, int seconds, Path shots) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong offered = new AtomicLong();
    Thread producer = new Thread(() -> {
      long start = System.nanoTime();
      int i = 0;
      while (running.get()) {
        long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
        Instant now = Instant.now();
        while (offered.get() < due) {
          int s = i % WORKLOADS;
          int d = (s + 1 + (i / WORKLOADS) % TARGETS_EACH * 37) % WORKLOADS;
          sink.accept(i % 2 == 0 ? TestFlows.request("w" + s, "w" + d, Reporter.CLIENT, "/api/" + i, now)
              : TestFlows.response("w" + s, "w" + d, Reporter.CLIENT, i % 20 == 1 ? 503 : 200, 1_000_000 + i % 5000, now));
          offered.incrementAndGet();
          i++;
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "ui-bench-producer");
    producer.start();
    b.navigate("about:blank");
    b.navigate(url + "#/flows");
    b.waitFor("flows arriving", "window.hmeshFlows && window.hmeshFlows.received > 0", Duration.ofSeconds(30));
    Thread.sleep(2000); // past the backlog
    JsonObject start = state(b);
    long startNs = System.nanoTime();
    long offeredAtStart = offered.get();
    double worstAnswerMs = 0;
    while (System.nanoTime() - startNs < seconds * 1_000_000_000L) {
      long t = System.nanoTime();
      b.eval("1");
      worstAnswerMs = Math.max(worstAnswerMs, (System.nanoTime() - t) / 1e6);
      Thread.sleep(250);
    }
    JsonObject end = state(b);
    double elapsed = (System.nanoTime() - startNs) / 1e9;
    b.screenshot(shots.resolve("flows-live.png"));
    running.set(false);
    producer.join();
    double received = (end.get("received").getAsLong() - start.get("received").getAsLong()) / elapsed;
    double frames = (end.get("frames").getAsLong() - start.get("frames").getAsLong()) / elapsed;
    System.out.printf(Locale.ROOT, "live page at %d flows/s offered (%.0f/s produced): the page received %.0f flows/s,"
        + " %d events reported lost, drew %.1f animation frames/s, answered the driver within %.0f ms at worst,"
        + " longest task %s ms, %d rows shown%n", rate, (offered.get() - offeredAtStart) / elapsed, received,
        end.get("lost").getAsLong(), frames, worstAnswerMs, b.eval("Math.max(0, ...window.__longtasks).toFixed(0)")
            .getAsString(), end.get("shown").getAsLong());
  }

  private static JsonObject state(Chromium b) {
    return com.google.gson.JsonParser.parseString(b.eval("JSON.stringify(window.hmeshFlows)").getAsString())
        .getAsJsonObject();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static List<WorkloadReport> reports() {
    List<WorkloadReport> out = new ArrayList<>();
    WorkloadDataPath[] paths = {WorkloadDataPath.EBPF, WorkloadDataPath.EBPF, WorkloadDataPath.SIDECAR,
        WorkloadDataPath.NONE};
    for (int i = 0; i < WORKLOADS; i++) {
      WorkloadDataPath p = paths[i % paths.length];
      out.add(TestFlows.report("w" + i, p, p == WorkloadDataPath.EBPF ? L7Visibility.L7_FULL
          : p == WorkloadDataPath.SIDECAR ? L7Visibility.L7_TLS_METADATA : L7Visibility.L7_NONE, "BENCH", "bench")
          .toBuilder().setNamespace("ns" + i % 10).build());
    }
    return out;
  }

  /** 5,000 edges between 500 workloads of 10 namespaces: a request, a response and a connection on each. */
  private static void fillMap(RingSink sink, Instant now) {
    for (int s = 0; s < WORKLOADS; s++) {
      for (int k = 0; k < TARGETS_EACH; k++) {
        int d = (s + 1 + k * 37) % WORKLOADS;
        String from = "w" + s;
        String to = "w" + d;
        sink.accept(named(TestFlows.request(from, to, Reporter.CLIENT, "/a", now.minusSeconds(30)), s, d));
        sink.accept(named(TestFlows.response(from, to, Reporter.CLIENT, k == 0 ? 503 : 200, 2_000_000L * (k + 1),
            now.minusSeconds(30)), d, s));
        sink.accept(named(TestFlows.connection(from, to, s + "-" + k, ConnectionState.NEW, 600, 900, Reporter.CLIENT,
            now.minusSeconds(30)), s, d));
      }
    }
  }

  /** The flow with its endpoints in the workloads' own namespaces. */
  private static Flow named(Flow f, int source, int destination) {
    return f.toBuilder().setSource(endpoint(source)).setDestination(endpoint(destination)).build();
  }

  private static Endpoint endpoint(int i) {
    return Endpoint.newBuilder().setNamespace("ns" + i % 10).setPodName("w" + i)
        .addWorkloads(Workload.newBuilder().setName("w" + i).setKind("Deployment")).build();
  }
}
