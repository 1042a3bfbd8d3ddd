package io.hybridmesh.bench;

import io.hybridmesh.agent.http2.Http2Connection;
import io.hybridmesh.agent.http2.Http2Drop;
import io.hybridmesh.agent.http2.Http2Event;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jol.info.GraphLayout;

/**
 * The HTTP/2 pure core on one thread: a whole connection's plaintext calls (written by netty, see
 * {@link Http2Traffic}: 2000 streams, 8 at a time, gRPC unary and server-streaming calls and GETs)
 * through {@link Http2Connection}: framing, HPACK, pairing, gRPC status, events. Scores are frames per
 * second (issue 14's goal: 500 k frames/s on one core). {@link #perFrameCalls} feeds every frame as
 * its own call, the worst case for per-call overhead. A new connection per invocation, since stream ids
 * only grow on a connection.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = "-Djol.magicFieldOffset=true") // JOL on records (the idle size in setUp)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Http2PathBenchmark {

  static final int ROUNDS = 250;
  static final int CONCURRENT = 8;
  /** Frames in the connection Http2Traffic writes for these parameters and seed (checked at setup). */
  static final int FRAMES = 10_757;

  private List<Http2Traffic.Call> calls;
  private List<Http2Traffic.Call> frameCalls;

  @Setup
  public void setUp() {
    calls = Http2Traffic.connection(ROUNDS, CONCURRENT, 42);
    frameCalls = new ArrayList<>();
    long bytes = 0;
    for (Http2Traffic.Call c : calls) {
      bytes += c.bytes().length;
      splitFrames(c, frameCalls);
    }
    for (List<Http2Traffic.Call> run : List.of(calls, frameCalls)) {
      Http2Connection c = new Http2Connection();
      int[] seen = new int[3];
      long ts = 0;
      for (Http2Traffic.Call call : run) {
        count(c.onData(call.dir(), call.bytes(), 0, call.bytes().length, call.bytes().length, ts += 1000), seen);
      }
      long idle = GraphLayout.parseInstance(c).totalSize();
      long estimate = c.retainedBytes();
      long tables = c.hpackTableBytes();
      count(c.onClose(ts), seen);
      long drops = 0;
      for (Http2Drop d : Http2Drop.values()) {
        drops += c.drops(d);
      }
      if (c.frames() != FRAMES || seen[0] != ROUNDS * CONCURRENT || seen[1] != ROUNDS * CONCURRENT || drops != 0
          || seen[2] != 0) {
        throw new IllegalStateException("benchmark connection does not parse cleanly: frames=" + c.frames()
            + " requests=" + seen[0] + " exchanges=" + seen[1] + " unparsed=" + seen[2] + " drops=" + drops);
      }
      System.err.printf("http2-path: %d frames, %d streams, %d calls, %d bytes; idle connection after the run: "
          + "%d bytes measured (JOL), %d estimated, of which HPACK tables %d%n", c.frames(), ROUNDS * CONCURRENT,
          run.size(), bytes, idle, estimate, tables);
    }
  }

  private static void count(List<Http2Event> events, int[] seen) {
    for (Http2Event e : events) {
      if (e instanceof Http2Event.RequestSeen) {
        seen[0]++;
      } else if (e instanceof Http2Event.ExchangeEnded) {
        seen[1]++;
      } else if (e instanceof Http2Event.Unparsed) {
        seen[2]++;
      }
    }
  }

  /** One call per frame (the preface, then each frame whole). */
  private static void splitFrames(Http2Traffic.Call call, List<Http2Traffic.Call> out) {
    byte[] b = call.bytes();
    int p = 0;
    if (b.length >= 24 && b[0] == 'P' && b[1] == 'R' && b[2] == 'I') {
      out.add(new Http2Traffic.Call(call.dir(), java.util.Arrays.copyOfRange(b, 0, 24)));
      p = 24;
    }
    while (p + 9 <= b.length) {
      int len = (b[p] & 0xff) << 16 | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff);
      out.add(new Http2Traffic.Call(call.dir(), java.util.Arrays.copyOfRange(b, p, p + 9 + len)));
      p += 9 + len;
    }
  }

  private static void run(List<Http2Traffic.Call> calls, Blackhole bh) {
    Http2Connection c = new Http2Connection();
    long ts = 0;
    for (Http2Traffic.Call call : calls) {
      byte[] b = call.bytes();
      bh.consume(c.onData(call.dir(), b, 0, b.length, b.length, ts += 1000));
    }
    bh.consume(c.onClose(ts));
  }

  /** Calls as peers write them (a peer's consecutive frames in one call). */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void parseAndPair(Blackhole bh) {
    run(calls, bh);
  }

  /** One call per frame. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public void perFrameCalls(Blackhole bh) {
    run(frameCalls, bh);
  }
}
