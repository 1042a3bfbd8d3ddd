package io.hybridmesh.bench;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventEncoder;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.datapath.TlsEvents;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.flow.TeeSink;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.metrics.FlowMetrics;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.agent.redact.RedactingSink;
import io.hybridmesh.agent.redact.Redaction;
import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.agent.standalone.StandaloneEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The product path of {@code hmesh agent --standalone --serve} for the HTTPS keep-alive benchmark of
 * {@code bench/tls-overhead.sh} (wrk -c16 to nginx, 2-byte responses), on one thread: framed {@code
 * hm_tls_event} records carrying exactly what wrk and nginx write, decoded, followed per connection,
 * assembled into L7 flows, redacted, and kept in the flow ring behind the Observer API; {@link
 * #servedWithMetrics} adds the Prometheus metrics of {@code --metrics}. The sinks are wired as {@code
 * FlowOutputs.open} wires them. Scores are nanoseconds per event (TLS call); each request is four events.
 *
 * <p>Flows stay in a ring of the agent's default capacity (16,384) until overwritten, so the garbage
 * collector copies them as it does in the agent; {@code -prof gc} gives the bytes allocated per event.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseG1GC")
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ServedTlsPathBenchmark {

  /** wrk -c16. */
  static final int CONNECTIONS = 16;
  static final int EXCHANGES_PER_CONNECTION = 16;
  static final int EVENTS = CONNECTIONS * EXCHANGES_PER_CONNECTION * 4;
  static final int FLOW_CAPACITY = 16384;

  static final int ENDPOINT_CLIENT = 1;
  static final int ENDPOINT_SERVER = 2;
  static final int WRK_PID = 5100;
  static final int NGINX_PID = 5200;
  static final byte[] CLIENT_ADDR = {10, (byte) 252, 47, 1};
  static final byte[] SERVER_ADDR = {10, (byte) 252, 47, 2};
  static final int SERVER_PORT = 8443;

  /** What wrk writes for {@code wrk https://10.252.47.2:8443/}. */
  static final byte[] REQUEST = "GET / HTTP/1.1\r\nHost: 10.252.47.2:8443\r\n\r\n"
      .getBytes(StandardCharsets.US_ASCII);
  /** What nginx 1.22 writes for {@code return 200 "ok"} with {@code default_type text/plain}. */
  static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
      + "Date: Sat, 06 Dec 2025 02:33:17 GMT\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
      + "Connection: keep-alive\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);

  private ByteBuffer batch;
  private int limit;
  private EventPump served;
  private EventPump servedWithMetrics;
  private FlowRing ring;
  private FlowRing metricsRing;

  @Setup
  public void setUp() {
    StandaloneEndpoints endpoints = new StandaloneEndpoints();
    endpoints.update(ENDPOINT_CLIENT, "hmt1234a",
        List.of(new NetworkInterface(2, "hmt1234a0", 14, List.of(CLIENT_ADDR))));
    endpoints.update(ENDPOINT_SERVER, "hmt1234b",
        List.of(new NetworkInterface(2, "hmt1234b0", 14, List.of(SERVER_ADDR))));
    KernelClock.SystemClock clock = new KernelClock.SystemClock();
    Redaction redaction = new Redaction(RedactionOptions.DEFAULT);

    ring = new FlowRing(FLOW_CAPACITY);
    TlsEvents servedEvents = tlsEvents(endpoints, clock, new RedactingSink(redaction, new RingSink(ring)));
    served = new EventPump(new IdleReader(), Map.of(HmAbi.EVENT_TLS_DATA, servedEvents), 8);

    metricsRing = new FlowRing(FLOW_CAPACITY);
    FlowMetrics metrics = new FlowMetrics(MetricsOptions.DEFAULT);
    TlsEvents metricsEvents = tlsEvents(endpoints, clock,
        new RedactingSink(redaction, new TeeSink(List.of(new RingSink(metricsRing), metrics))));
    servedWithMetrics = new EventPump(new IdleReader(), Map.of(HmAbi.EVENT_TLS_DATA, metricsEvents), 8);

    List<TlsEvent> events = exchanges();
    int bytes = 0;
    long recordBytes = 0;
    for (TlsEvent e : events) {
      bytes += TlsEventEncoder.frameSize(e);
      recordBytes += TlsEventEncoder.size(e);
    }
    batch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    TlsEventEncoder.frame(batch, events);
    limit = batch.limit();

    // The batch must parse cleanly, twice (the second pass meets the state the first left), and every
    // event must end as one flow in the ring.
    for (int pass = 1; pass <= 2; pass++) {
      check(served, servedEvents, ring, pass);
      check(servedWithMetrics, metricsEvents, metricsRing, pass);
    }
    String text = metrics.render();
    if (!text.contains("hmesh_http_requests_total{") || !text.contains("status=\"2xx\"")) {
      throw new IllegalStateException("metrics did not count the responses:\n" + text);
    }
    System.err.printf("served-tls-path: %d events (%d connections x %d exchanges x 4 calls), %.0f bytes per "
        + "record on average%n", EVENTS, CONNECTIONS, EXCHANGES_PER_CONNECTION, (double) recordBytes / EVENTS);
  }

  private void check(EventPump pump, TlsEvents tls, FlowRing into, int pass) {
    long before = into.seen();
    batch.position(0).limit(limit);
    pump.process(batch, EVENTS);
    long expected = (long) EVENTS * pass;
    long requests = 0;
    long paired = 0;
    FlowRing.Cursor c = into.open(FlowRing.Query.last(EVENTS), null);
    for (FlowRing.Item it; (it = c.poll()) != null; ) {
      Flow f = it.flow();
      if (f.getL7().getType() == L7FlowType.REQUEST) {
        requests++;
      } else if (f.getL7().getHttp().getCode() == 200 && f.getL7().getHttp().getMethod().equals("GET")) {
        paired++;
      }
    }
    if (pump.malformed() != 0 || pump.events() != expected || tls.unparsed() != 0 || tls.calls() != expected
        || into.seen() - before != EVENTS || requests != EVENTS / 2 || paired != EVENTS / 2) {
      throw new IllegalStateException("benchmark batch does not parse cleanly (pass " + pass + "): events="
          + pump.events() + " malformed=" + pump.malformed() + " calls=" + tls.calls() + " unparsed="
          + tls.unparsed() + " flows=" + (into.seen() - before) + " requests=" + requests + " paired=" + paired);
    }
  }

  private static TlsEvents tlsEvents(StandaloneEndpoints endpoints, KernelClock clock, FlowSink sink) {
    // As NodeDatapath wires it.
    return new TlsEvents(new TlsConversations(16384, Duration.ofMinutes(5), Limits.DEFAULT),
        new L7FlowAssembler("bench-node", "0.1.0-bench", endpoints, clock), sink);
  }

  /** {@code --serve}: redaction, then the flow ring. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long served() {
    batch.position(0).limit(limit);
    served.process(batch, EVENTS);
    return ring.seen();
  }

  /** {@code --serve --metrics}: redaction, then the flow ring and the metrics. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public long servedWithMetrics() {
    batch.position(0).limit(limit);
    servedWithMetrics.process(batch, EVENTS);
    return metricsRing.seen();
  }

  /**
   * Rounds of one exchange on every connection, both ends: wrk's SSL_write, nginx's SSL_read, nginx's
   * SSL_write, wrk's SSL_read. wrk runs one thread; nginx one worker.
   */
  static List<TlsEvent> exchanges() {
    List<TlsEvent> out = new ArrayList<>(EVENTS);
    long now = System.nanoTime();
    for (int round = 0; round < EXCHANGES_PER_CONNECTION; round++) {
      for (int c = 0; c < CONNECTIONS; c++) {
        int clientPort = 41000 + c * 7;
        FlowTuple clientSide = new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, CLIENT_ADDR.clone(),
            SERVER_ADDR.clone(), clientPort, SERVER_PORT);
        FlowTuple serverSide = new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, SERVER_ADDR.clone(),
            CLIENT_ADDR.clone(), SERVER_PORT, clientPort);
        long clientSsl = 0x5612_3400_0000L + c * 0x1800L;
        long serverSsl = 0x55aa_7700_0000L + c * 0x1400L;
        long t = now + (round * CONNECTIONS + c) * 15_000L;
        out.add(call(true, ENDPOINT_CLIENT, WRK_PID, WRK_PID + 1, "wrk", clientSsl, clientSide, REQUEST,
            t, t + 4_000));
        out.add(call(false, ENDPOINT_SERVER, NGINX_PID, NGINX_PID, "nginx", serverSsl, serverSide, REQUEST,
            t + 20_000, t + 23_000));
        out.add(call(true, ENDPOINT_SERVER, NGINX_PID, NGINX_PID, "nginx", serverSsl, serverSide, RESPONSE,
            t + 40_000, t + 44_000));
        out.add(call(false, ENDPOINT_CLIENT, WRK_PID, WRK_PID + 1, "wrk", clientSsl, clientSide, RESPONSE,
            t + 60_000, t + 63_000));
      }
    }
    return out;
  }

  private static TlsEvent call(boolean write, int endpoint, int pid, int tid, String comm, long ssl,
      FlowTuple tuple, byte[] data, long start, long end) {
    return new TlsEvent(write, false, endpoint, start, end, ssl, 0x1234 + endpoint, data.length, pid, tid,
        comm, tuple, data, data.length);
  }
}
