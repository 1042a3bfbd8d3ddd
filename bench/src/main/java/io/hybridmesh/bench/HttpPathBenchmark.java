package io.hybridmesh.bench;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.abi.TlsEventDecoder;
import io.hybridmesh.agent.abi.TlsEventEncoder;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.datapath.TlsEvents;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.JsonLinesSink;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.standalone.StandaloneEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.jni.RingBufferReader;
import java.io.OutputStream;
import java.io.PrintStream;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The agent's HTTP-inside-TLS event path on one thread: a framed batch of {@code hm_tls_event} records
 * as the ring-buffer reader leaves it (header + captured plaintext, about 256 bytes each), decoded, fed
 * to each connection's HTTP conversation (reassembly and head parsing), assembled into L7 {@link Flow}s
 * and handed to a sink. Scores are events (TLS calls) per second.
 *
 * <p>The batch is {@link #CONNECTIONS} keep-alive connections seen from both ends (a client process in
 * one namespace, a server process in the other), each carrying {@link #EXCHANGES_PER_CONNECTION} small
 * request/response exchanges; every exchange is four calls (client SSL_write, server SSL_read, server
 * SSL_write, client SSL_read) and every call yields one flow. The conversations are stateful and live
 * across invocations: the batch only holds complete exchanges, so replaying it leaves each conversation
 * between two exchanges, where it started.
 *
 * <p>{@link #httpPath} is the number the goal is about (≥ 1M events/s on one core); {@link #decodeOnly}
 * is the record decoder alone, {@link #httpPathJsonSink} the path of {@code hmesh agent --print jsonl}.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HttpPathBenchmark {

  static final int CONNECTIONS = 64;
  static final int EXCHANGES_PER_CONNECTION = 4;
  /** Four TLS calls per exchange. */
  static final int EVENTS = CONNECTIONS * EXCHANGES_PER_CONNECTION * 4;

  static final int ENDPOINT_CLIENT = 1;
  static final int ENDPOINT_SERVER = 2;
  static final int CLIENT_PID = 4100;
  static final int SERVER_PID = 4200;
  static final byte[] CLIENT_ADDR = {10, (byte) 201, 0, 1};
  static final byte[] SERVER_ADDR = {10, (byte) 201, 0, 2};
  static final int SERVER_PORT = 443;

  private ByteBuffer batch;
  private int limit;
  private EventPump pump;
  private BlackholeSink sink;
  private TlsEvents tlsEvents;
  private EventPump jsonPump;
  private final TlsEventDecoder decoder = new TlsEventDecoder();
  private double averageRecordBytes;

  @Setup
  public void setUp() {
    StandaloneEndpoints endpoints = new StandaloneEndpoints();
    endpoints.update(ENDPOINT_CLIENT, "bench-client",
        List.of(new NetworkInterface(2, "veth-c", 14, List.of(CLIENT_ADDR))));
    endpoints.update(ENDPOINT_SERVER, "bench-server",
        List.of(new NetworkInterface(3, "veth-s", 14, List.of(SERVER_ADDR))));
    KernelClock clock = new KernelClock.SystemClock();

    // Wired as StandaloneAgent wires it.
    sink = new BlackholeSink();
    tlsEvents = newTlsEvents(endpoints, clock, sink);
    pump = new EventPump(new IdleReader(), Map.of(HmAbi.EVENT_TLS_DATA, tlsEvents), 8);
    JsonLinesSink json = new JsonLinesSink(new PrintStream(OutputStream.nullOutputStream(), false));
    jsonPump = new EventPump(new IdleReader(),
        Map.of(HmAbi.EVENT_TLS_DATA, newTlsEvents(endpoints, clock, json)), 8);

    List<TlsEvent> events = exchanges();
    int bytes = 0;
    long recordBytes = 0;
    for (TlsEvent e : events) {
      bytes += TlsEventEncoder.frameSize(e);
      recordBytes += TlsEventEncoder.size(e);
    }
    averageRecordBytes = (double) recordBytes / events.size();
    batch = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    TlsEventEncoder.frame(batch, events);
    limit = batch.limit();

    // A wrong frame, an unknown kind or plaintext the conversations cannot follow would be counted, not
    // thrown: make sure the batch is clean, twice, since the second pass meets the state the first left.
    for (int pass = 1; pass <= 2; pass++) {
      sink.flows = 0;
      sink.requests = 0;
      sink.responses = 0;
      sink.pairedResponses = 0;
      batch.position(0).limit(limit);
      pump.process(batch, EVENTS);
      long expectedEvents = (long) EVENTS * pass;
      if (pump.malformed() != 0 || pump.events() != expectedEvents || tlsEvents.unparsed() != 0
          || tlsEvents.calls() != expectedEvents || sink.flows != EVENTS
          || sink.requests != EVENTS / 2 || sink.responses != EVENTS / 2
          || sink.pairedResponses != EVENTS / 2) {
        throw new IllegalStateException("benchmark batch does not parse cleanly (pass " + pass + "): events="
            + pump.events() + " malformed=" + pump.malformed() + " calls=" + tlsEvents.calls()
            + " unparsed=" + tlsEvents.unparsed() + " flows=" + sink.flows + " requests=" + sink.requests
            + " responses=" + sink.responses + " paired=" + sink.pairedResponses);
      }
    }
    batch.position(0).limit(limit);
    jsonPump.process(batch, EVENTS);
    System.err.printf("http-path: %d events (%d connections x %d exchanges x 4 calls), %.0f bytes per "
        + "record on average, %d bytes framed%n", EVENTS, CONNECTIONS, EXCHANGES_PER_CONNECTION,
        averageRecordBytes, limit);
  }

  private static TlsEvents newTlsEvents(StandaloneEndpoints endpoints, KernelClock clock, FlowSink sink) {
    return new TlsEvents(new TlsConversations(16384, Duration.ofMinutes(5), Limits.DEFAULT),
        new L7FlowAssembler("bench-node", "0.1.0-bench", endpoints, clock), sink);
  }

  /** Frames to L7 flows in the sink: decode, HTTP reassembly and parsing, flow assembly. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void httpPath(Blackhole bh) {
    batch.position(0).limit(limit);
    sink.bh = bh;
    pump.process(batch, EVENTS);
  }

  /** The full path with the agent's JSON-lines printer (to a null stream) as the sink. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void httpPathJsonSink() {
    batch.position(0).limit(limit);
    jsonPump.process(batch, EVENTS);
  }

  /** Frames to {@link TlsEvent}s only, walking the frames as {@link EventPump#process} does. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void decodeOnly(Blackhole bh) {
    ByteBuffer b = batch;
    int at = 0;
    int end = limit;
    for (int i = 0; i < EVENTS && at + RingBufferReader.RECORD_HEADER_BYTES <= end; i++) {
      int length = b.getInt(at);
      int payload = at + RingBufferReader.RECORD_HEADER_BYTES;
      if ((b.getShort(payload) & 0xffff) == HmAbi.EVENT_TLS_DATA) {
        bh.consume(decoder.decode(b, payload, length));
      }
      at = payload + ((length + 7) & ~7);
    }
  }

  /**
   * The batch: for each of {@link #EXCHANGES_PER_CONNECTION} rounds, every connection does one exchange,
   * seen by both its ends. About 136 bytes of HTTP per call (header 120 + ~136 ≈ 256 per record).
   */
  static List<TlsEvent> exchanges() {
    List<TlsEvent> out = new ArrayList<>(EVENTS);
    long now = System.nanoTime();
    for (int round = 0; round < EXCHANGES_PER_CONNECTION; round++) {
      for (int c = 0; c < CONNECTIONS; c++) {
        int clientPort = 40000 + c;
        FlowTuple clientSide = new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, CLIENT_ADDR.clone(),
            SERVER_ADDR.clone(), clientPort, SERVER_PORT);
        FlowTuple serverSide = new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, SERVER_ADDR.clone(),
            CLIENT_ADDR.clone(), SERVER_PORT, clientPort);
        long clientSsl = 0x5612_3400_0000L + c * 0x1800L;
        long serverSsl = 0x55aa_7700_0000L + c * 0x1400L;
        byte[] request = request(round * CONNECTIONS + c);
        byte[] response = response(c);
        long t = now + (round * CONNECTIONS + c) * 100_000L;
        out.add(call(true, ENDPOINT_CLIENT, CLIENT_PID, CLIENT_PID + 1 + (c & 7), "wrk", clientSsl,
            clientSide, request, t, t + 4_000));
        out.add(call(false, ENDPOINT_SERVER, SERVER_PID, SERVER_PID, "nginx", serverSsl, serverSide,
            request, t + 20_000, t + 23_000));
        out.add(call(true, ENDPOINT_SERVER, SERVER_PID, SERVER_PID, "nginx", serverSsl, serverSide,
            response, t + 40_000, t + 44_000));
        out.add(call(false, ENDPOINT_CLIENT, CLIENT_PID, CLIENT_PID + 1 + (c & 7), "wrk", clientSsl,
            clientSide, response, t + 60_000, t + 63_000));
      }
    }
    return out;
  }

  private static TlsEvent call(boolean write, int endpoint, int pid, int tid, String comm, long ssl,
      FlowTuple tuple, byte[] data, long start, long end) {
    return new TlsEvent(write, false, endpoint, start, end, ssl, 0x1234 + endpoint, data.length, pid, tid,
        comm, tuple, data, data.length);
  }

  static byte[] request(int i) {
    return ("GET /api/items/" + (1000 + i % 9000) + " HTTP/1.1\r\nHost: shop\r\nUser-Agent: wrk\r\n"
        + "Accept: application/json\r\nX-Request-Id: 7f3a9c" + String.format("%08x", i) + "\r\n"
        + "Connection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] response(int i) {
    return ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
        + "Cache-Control: no-store\r\nConnection: keep-alive\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);
  }

  /** Hands flows to a Blackhole so that the JIT cannot drop their construction; counts them in setup. */
  static final class BlackholeSink implements FlowSink {
    Blackhole bh;
    long flows;
    long requests;
    long responses;
    long pairedResponses;

    @Override
    public void accept(Flow flow) {
      if (bh != null) {
        bh.consume(flow);
        return;
      }
      flows++;
      if (flow.getL7().getType() == L7FlowType.REQUEST) {
        requests++;
      } else if (flow.getL7().getType() == L7FlowType.RESPONSE) {
        responses++;
        if (!flow.getL7().getHttp().getMethod().isEmpty() && flow.getL7().getHttp().getCode() == 200) {
          pairedResponses++;
        }
      }
    }

    @Override
    public void lost(LostEvent lost) {
      if (bh != null) {
        bh.consume(lost);
      }
    }
  }
}
