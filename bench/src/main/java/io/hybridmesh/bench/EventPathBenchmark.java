package io.hybridmesh.bench;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.ConnEventDecoder;
import io.hybridmesh.agent.abi.ConnEventEncoder;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.datapath.ConnectionEvents;
import io.hybridmesh.agent.datapath.EventPump;
import io.hybridmesh.agent.flow.ConnectionFlowAssembler;
import io.hybridmesh.agent.flow.FlowSink;
import io.hybridmesh.agent.flow.JsonLinesSink;
import io.hybridmesh.agent.flow.KernelClock;
import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.agent.standalone.StandaloneEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.jni.RingBufferReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 * The agent's Java event path on one thread: a framed batch as the ring-buffer reader leaves it, decoded,
 * assembled into {@link Flow} records and handed to a sink. Scores are events per second.
 *
 * <p>{@link #eventPath} is the number the goal is about (≥ 1M events/s on one core); {@link #decodeOnly}
 * and {@link #assembleOnly} split it into its two halves.
 */
@State(Scope.Thread)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventPathBenchmark {

  /** Events per batch; a 128 KiB poll buffer holds 963 of these 136-byte frames, so this is realistic. */
  static final int EVENTS = 1024;

  static final int ENDPOINT_A = 1;
  static final int ENDPOINT_B = 2;
  static final int IFINDEX_A = 2;
  static final int IFINDEX_B = 3;

  static final byte[] A4 = {10, (byte) 200, 0, 1};
  static final byte[] B4 = {10, (byte) 200, 0, 2};
  static final byte[] A6 = v6(0xfd, 0x00, 0xc8, 0x01);
  static final byte[] B6 = v6(0xfd, 0x00, 0xc8, 0x02);

  private ByteBuffer batch;
  private int limit;
  private ConnEvent[] decoded;
  private EventPump pump;
  private ConnectionFlowAssembler assembler;
  private BlackholeSink sink;
  private EventPump jsonPump;

  @Setup
  public void setUp() {
    StandaloneEndpoints endpoints = new StandaloneEndpoints();
    endpoints.update(ENDPOINT_A, "bench-a",
        List.of(new NetworkInterface(IFINDEX_A, "veth-a", 14, List.of(A4, A6))));
    endpoints.update(ENDPOINT_B, "bench-b",
        List.of(new NetworkInterface(IFINDEX_B, "veth-b", 14, List.of(B4, B6))));
    assembler = new ConnectionFlowAssembler("bench-node", "0.1.0-bench", endpoints, new KernelClock.SystemClock());
    sink = new BlackholeSink();
    pump = new EventPump(new IdleReader(),
        Map.of(HmAbi.EVENT_CONN, new ConnectionEvents(assembler, sink)), 8);
    // What `hmesh agent --print jsonl` runs: the same path with the JSON printer as the sink.
    jsonPump = new EventPump(new IdleReader(), Map.of(HmAbi.EVENT_CONN, new ConnectionEvents(assembler,
        new JsonLinesSink(new PrintStream(OutputStream.nullOutputStream(), false)))), 8);

    List<ConnEvent> events = mix(EVENTS, new SplittableRandom(42));
    batch = ByteBuffer.allocateDirect(EVENTS * (RingBufferReader.RECORD_HEADER_BYTES
        + HmAbi.ConnEventLayout.SIZE)).order(ByteOrder.nativeOrder());
    ConnEventEncoder.frame(batch, events);
    limit = batch.limit();
    decoded = events.toArray(new ConnEvent[0]);

    // A wrong frame or an unknown kind would be counted, not thrown: make sure the batch is clean.
    pump.process(batch, EVENTS);
    if (pump.malformed() != 0 || pump.events() != EVENTS || sink.flows != EVENTS) {
      throw new IllegalStateException("benchmark batch is malformed: events=" + pump.events()
          + " malformed=" + pump.malformed() + " flows=" + sink.flows);
    }
  }

  /** Frames to flows in the sink: the whole Java event path. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void eventPath(Blackhole bh) {
    batch.position(0).limit(limit);
    sink.bh = bh;
    pump.process(batch, EVENTS);
  }

  /** The full path with the agent's JSON-lines printer (to a null stream) as the sink. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void eventPathJsonSink() {
    batch.position(0).limit(limit);
    jsonPump.process(batch, EVENTS);
  }

  /** Frames to {@link ConnEvent}s only, walking the frames as {@link EventPump#process} does. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void decodeOnly(Blackhole bh) {
    batch.position(0).limit(limit);
    ByteBuffer b = batch;
    int at = b.position();
    int end = b.limit();
    for (int i = 0; i < EVENTS && at + RingBufferReader.RECORD_HEADER_BYTES <= end; i++) {
      int length = b.getInt(at);
      int payload = at + RingBufferReader.RECORD_HEADER_BYTES;
      if ((b.getShort(payload) & 0xffff) == HmAbi.EVENT_CONN) {
        bh.consume(ConnEventDecoder.decode(b, payload, length));
      }
      at = payload + ((length + 7) & ~7);
    }
  }

  /** Decoded events to flows: the assembler alone. */
  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void assembleOnly(Blackhole bh) {
    for (ConnEvent e : decoded) {
      bh.consume(assembler.assemble(e));
    }
  }

  /** Hands flows to a Blackhole so that the JIT cannot drop their construction. */
  static final class BlackholeSink implements FlowSink {
    Blackhole bh;
    long flows;

    @Override
    public void accept(Flow flow) {
      if (bh != null) {
        bh.consume(flow);
      } else {
        flows++;
      }
    }

    @Override
    public void lost(LostEvent lost) {
      if (bh != null) {
        bh.consume(lost);
      }
    }
  }

  /**
   * A day on two watched namespaces: mostly IPv4 TCP between them (a NEW, several ACTIVE updates and a
   * CLOSED per connection, a few RESETs), some IPv6 TCP, some UDP (DNS-like), and some peers that are no
   * known endpoint. Each event is seen from one endpoint's side.
   */
  static List<ConnEvent> mix(int count, SplittableRandom rnd) {
    List<ConnEvent> out = new ArrayList<>(count);
    long now = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int kind = rnd.nextInt(100);
      boolean v6 = kind >= 60 && kind < 75;       // 15% IPv6 TCP
      boolean udp = kind >= 75 && kind < 88;      // 13% UDP
      boolean unknownPeer = kind >= 88;           // 12% TCP/UDP to or from an unknown address
      int proto = udp || (unknownPeer && rnd.nextBoolean()) ? HmAbi.IPPROTO_UDP : HmAbi.IPPROTO_TCP;

      boolean fromA = rnd.nextBoolean();
      int endpoint = fromA ? ENDPOINT_A : ENDPOINT_B;
      int ifindex = fromA ? IFINDEX_A : IFINDEX_B;
      byte[] self = v6 ? (fromA ? A6 : B6) : (fromA ? A4 : B4);
      byte[] peer = v6 ? (fromA ? B6 : A6) : (fromA ? B4 : A4);
      if (unknownPeer) {
        peer = rnd.nextInt(4) == 0 ? v6(0x20, 0x01, 0x0d, 0xb8, rnd.nextInt(256), rnd.nextInt(256))
            : new byte[] {(byte) 93, (byte) 184, (byte) rnd.nextInt(256), (byte) (1 + rnd.nextInt(254))};
      }
      boolean localInitiator = rnd.nextInt(3) != 0;
      int ephemeral = 32768 + rnd.nextInt(28000);
      int service = proto == HmAbi.IPPROTO_UDP ? 53 : (rnd.nextBoolean() ? 8080 : 443);
      byte[] src = localInitiator ? self : peer;
      byte[] dst = localInitiator ? peer : self;
      // An unknown v6 peer with a v4 self would be an impossible tuple: keep families consistent.
      if (src.length != dst.length) {
        peer = peer.length == 16 ? new byte[] {93, (byte) 184, 1, 1} : peer;
        src = localInitiator ? self : peer;
        dst = localInitiator ? peer : self;
      }
      int family = src.length == 16 ? HmAbi.AF_INET6 : HmAbi.AF_INET;
      FlowTuple tuple = new FlowTuple(family, proto, src.clone(), dst.clone(), ephemeral, service);

      int phase = rnd.nextInt(10);
      int state;
      int pktFlags;
      int flagsToResp;
      int flagsToInit;
      if (proto == HmAbi.IPPROTO_UDP) {
        state = phase == 0 ? HmAbi.CONN_NEW : HmAbi.CONN_ACTIVE;
        pktFlags = 0;
        flagsToResp = 0;
        flagsToInit = 0;
      } else if (phase == 0) {
        state = HmAbi.CONN_NEW;
        pktFlags = HmAbi.TCP_SYN;
        flagsToResp = HmAbi.TCP_SYN;
        flagsToInit = 0;
      } else if (phase <= 6) {
        state = HmAbi.CONN_ACTIVE;
        pktFlags = HmAbi.TCP_ACK | HmAbi.TCP_PSH;
        flagsToResp = HmAbi.TCP_SYN | HmAbi.TCP_ACK | HmAbi.TCP_PSH;
        flagsToInit = HmAbi.TCP_SYN | HmAbi.TCP_ACK | HmAbi.TCP_PSH;
      } else if (phase <= 8) {
        state = HmAbi.CONN_CLOSED;
        pktFlags = HmAbi.TCP_FIN | HmAbi.TCP_ACK;
        flagsToResp = HmAbi.TCP_SYN | HmAbi.TCP_ACK | HmAbi.TCP_PSH | HmAbi.TCP_FIN;
        flagsToInit = HmAbi.TCP_SYN | HmAbi.TCP_ACK | HmAbi.TCP_PSH | HmAbi.TCP_FIN;
      } else {
        state = HmAbi.CONN_RESET;
        pktFlags = HmAbi.TCP_RST;
        flagsToResp = HmAbi.TCP_SYN;
        flagsToInit = rnd.nextBoolean() ? HmAbi.TCP_RST | HmAbi.TCP_ACK : HmAbi.TCP_SYN | HmAbi.TCP_ACK | HmAbi.TCP_RST;
      }
      int connFlags = HmAbi.CONN_F_INITIATOR_KNOWN | (localInitiator ? HmAbi.CONN_F_LOCAL_INITIATOR : 0);
      if (rnd.nextInt(20) == 0) {
        connFlags &= ~HmAbi.CONN_F_INITIATOR_KNOWN; // picked up mid-connection
      }
      long first = now - rnd.nextLong(60_000_000_000L);
      long ts = first + rnd.nextLong(now - first + 1);
      long pkts = state == HmAbi.CONN_NEW ? 1 : 1 + rnd.nextInt(5000);
      long payload = pkts * rnd.nextInt(1400);
      ConnEvent.Traffic toResp = new ConnEvent.Traffic(payload + pkts * 52, pkts, payload);
      long rpkts = state == HmAbi.CONN_NEW ? 0 : pkts / 2 + 1;
      long rpayload = rpkts * rnd.nextInt(1400);
      ConnEvent.Traffic toInit = new ConnEvent.Traffic(rpayload + rpkts * 52, rpkts, rpayload);
      boolean egress = rnd.nextBoolean();
      out.add(new ConnEvent(state, connFlags, endpoint, ts, first, tuple, toResp, toInit, ifindex,
          pktFlags, egress, egress == localInitiator, flagsToResp, flagsToInit, 0, 0));
    }
    return out;
  }

  private static byte[] v6(int... prefix) {
    byte[] a = new byte[16];
    for (int i = 0; i < prefix.length; i++) {
      a[i] = (byte) prefix[i];
    }
    a[15] = (byte) (1 + prefix.length);
    return a;
  }
}
