package io.hybridmesh.cli;

import io.hybridmesh.agent.AgentVersion;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.JsonLinesSink;
import io.hybridmesh.agent.flow.TeeSink;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.metrics.FlowMetrics;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.agent.metrics.MetricsServer;
import io.hybridmesh.agent.metrics.UprobeCostMetrics;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.agent.redact.RedactingSink;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.runtime.AgentStats;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.grpc.ServerCredentials;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where an agent's flows go: redaction first (so that no output ever sees a secret), then any of the
 * JSON-lines printer, the flow ring behind the Observer API, and Prometheus metrics. Shared by
 * {@code hmesh agent} and {@code hmesh demo}; {@link #close()} stops what it started.
 */
public final class FlowOutputs implements AutoCloseable {

  /**
   * What to open.
   *
   * @param serve HOST:PORT for the Observer API, or null
   * @param metrics HOST:PORT for /metrics, or null
   * @param serveCredentials TLS for the Observer API (the relay's client certificate only), or null for
   *     plaintext without client authentication (loopback uses: the demo, a standalone agent)
   */
  public record Settings(boolean print, String serve, int flowCapacity, Duration stallTimeout, String metrics,
      MetricsOptions metricsOptions, Redaction redaction, String nodeName,
      Supplier<List<WorkloadReport>> workloads, ServerCredentials serveCredentials) {

    public Settings(boolean print, String serve, int flowCapacity, Duration stallTimeout, String metrics,
        MetricsOptions metricsOptions, Redaction redaction, String nodeName,
        Supplier<List<WorkloadReport>> workloads) {
      this(print, serve, flowCapacity, stallTimeout, metrics, metricsOptions, redaction, nodeName, workloads, null);
    }
  }

  private final Settings settings;
  private final FlowSink sink;
  private final JsonLinesSink printer;
  private final ObserverServer server;
  private final FlowMetrics metrics;
  private MetricsServer metricsServer;

  private FlowOutputs(Settings s, FlowSink sink, JsonLinesSink printer, ObserverServer server, FlowMetrics metrics) {
    this.settings = s;
    this.sink = sink;
    this.printer = printer;
    this.server = server;
    this.metrics = metrics;
  }

  /** Opens the printer and the Observer API; the metrics endpoint waits for {@link #serveMetrics}. */
  public static FlowOutputs open(Settings s) {
    List<FlowSink> sinks = new ArrayList<>();
    JsonLinesSink printer = null;
    if (s.print()) {
      printer = new JsonLinesSink(new PrintStream(
          new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false));
      sinks.add(printer);
    }
    FlowMetrics metrics = s.metrics() != null ? new FlowMetrics(s.metricsOptions()) : null;
    ObserverServer server = null;
    if (s.serve() != null) {
      RingSink ring = new RingSink(new FlowRing(s.flowCapacity()));
      sinks.add(ring);
      try {
        ObserverService service = new ObserverService(ring, s.nodeName(), AgentVersion.get(), s.serve(),
            s.workloads(), s.stallTimeout());
        server = (s.serveCredentials() == null ? ObserverServer.tcp(host(s.serve()), port(s.serve()), service)
            : ObserverServer.tcp(host(s.serve()), port(s.serve()), service, s.serveCredentials())).start();
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("cannot serve the Observer API on " + s.serve() + " (" + e.getMessage()
            + "); is another agent or demo serving there? Pick another address", e);
      }
      if (metrics != null) {
        ObserverService service = server.service();
        metrics
            .reading("hmesh_flows_stored", "Flows the Observer API holds now.", false, () -> ring.ring().stored())
            .reading("hmesh_flows_capacity", "Flows the Observer API can hold.", false, ring.ring()::capacity)
            .reading("hmesh_observer_lost_to_readers_total",
                "Flows Observer API clients missed because the ring overwrote them first.", true,
                () -> ring.ring().lostToReaders())
            .reading("hmesh_observer_stalled_streams_total",
                "Observer API streams ended because their client read nothing for the stall timeout.", true,
                service::stalledStreams);
      }
    }
    if (metrics != null) {
      sinks.add(metrics);
    }
    FlowSink tee = sinks.size() == 1 ? sinks.get(0) : new TeeSink(sinks);
    FlowSink sink = s.redaction().options().isOff() ? tee : new RedactingSink(s.redaction(), tee);
    return new FlowOutputs(s, sink, printer, server, metrics);
  }

  /** The sink to hand the agent. */
  public FlowSink sink() {
    return sink;
  }

  /** Adds the node's measured uprobe cost to the metrics (when they are served). */
  public void uprobeCost(UprobeCost cost) {
    if (metrics != null) {
      UprobeCostMetrics.register(metrics, cost);
    }
  }

  /** Adds the agent's own counters to the metrics and starts their endpoint (when asked for). */
  public void serveMetrics(AgentStats agent) {
    if (metrics == null) {
      return;
    }
    metrics
        .reading("hmesh_kernel_ringbuf_drops_total",
            "Events the kernel dropped because the BPF ring buffer was full (all CPUs).", true,
            agent::kernelRingbufDrops)
        .reading("hmesh_kernel_conn_midstream_total",
            "TCP connections seen with data but not in the kernel's connection table: evicted earlier "
                + "(also in hmesh_lost_events_total{source=\"kernel_conn_evicted\"}) or older than the agent.",
            true, agent::connectionsSeenMidstream)
        .reading("hmesh_probe_attach_failures_total",
            "TLS library files found whose uprobes could not be attached.", true, agent::probeAttachFailures);
    try {
      metricsServer = MetricsServer.start(host(settings.metrics()), port(settings.metrics()), metrics);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot serve metrics on " + settings.metrics() + ": " + e.getMessage(), e);
    }
  }

  /** A sentence on where flows can be read, for the start-up message. */
  public String describe() {
    return (server != null ? "; Observer API on " + settings.serve() + (settings.serveCredentials() == null
        ? " (plaintext, no client authentication)" : " (TLS; only the relay's client certificate)") : "")
        + (metricsServer != null ? "; metrics on http://" + settings.metrics() + "/metrics" : "");
  }

  /** Flows are printed in batches; called often enough for a person watching. */
  public void flush() {
    if (printer != null) {
      printer.flush();
    }
  }

  /** Stops the metrics endpoint (a scrape reads the agent's maps: call before the agent closes). */
  public void stopMetrics() {
    if (metricsServer != null) {
      metricsServer.close();
      metricsServer = null;
    }
  }

  @Override
  public void close() {
    stopMetrics();
    if (server != null) {
      server.close();
    }
    flush();
  }

  public static String host(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return colon <= 0 ? "localhost" : hostPort.substring(0, colon);
  }

  public static int port(String hostPort) {
    try {
      return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + hostPort + "' is not HOST:PORT");
    }
  }
}
