package io.hybridmesh.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.observer.v1.FlowFilter;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Observer API's streaming rate and the flow ring's memory, in one JVM (run by
 * {@code bench/observer-stream.sh}).
 *
 * <p>Memory: 65,536 realistic flows (see {@link RealisticFlows}) written into a {@link FlowRing} of that
 * capacity, measured two ways: the heap in use after full GCs, before and after (nothing but the ring
 * holds the flows), and JOL's walk of the ring's object graph.
 *
 * <p>Rate: an {@link ObserverServer} on 127.0.0.1 (Netty, real TCP); a producer thread writes those flows
 * into the {@link RingSink} in a loop at full speed; one gRPC client follows with a {@code --type l7}
 * filter (half the flows match) and counts what it receives. Delivered flows/s per round, and how many
 * the follower lost to ring overwrites because it could not keep up.
 *
 * <p>Arguments (all optional): rounds, round seconds, warm-up seconds, ring capacity, producer rate in
 * flows/s (0, the default, is full speed: one core spent writing; a rate shows what the follower gets
 * when the agent's writer leaves CPU to spare).
 */
public final class ObserverStreamBench {

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int roundSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int capacity = args.length > 3 ? Integer.parseInt(args[3]) : 65536;
    long producerRate = args.length > 4 ? Long.parseLong(args[4]) : 0;
    int batch = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    boolean decode = args.length <= 6 || !"count".equals(args[6]);

    RingSink sink = memory(capacity);
    rate(sink, rounds, roundSeconds, warmupSeconds, producerRate, batch, decode);
  }

  /**
   * A follower that reads the bytes and counts flows without decoding them: what the API delivers, apart
   * from what a decoding client spends (on this 2-core machine the client shares the CPU with the server).
   */
  private static void countingFollower(ManagedChannel channel, GetFlowsRequest req, AtomicLong received,
      AtomicLong lost, AtomicReference<Throwable> failed) {
    io.grpc.MethodDescriptor.Marshaller<byte[]> bytes = new io.grpc.MethodDescriptor.Marshaller<>() {
      @Override
      public java.io.InputStream stream(byte[] value) {
        return new java.io.ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(java.io.InputStream stream) {
        try {
          return stream.readAllBytes();
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    io.grpc.MethodDescriptor<GetFlowsRequest, byte[]> raw = ObserverGrpc.getGetFlowsMethod().toBuilder(
        ObserverGrpc.getGetFlowsMethod().getRequestMarshaller(), bytes).build();
    io.grpc.stub.ClientCalls.asyncServerStreamingCall(channel.newCall(raw, io.grpc.CallOptions.DEFAULT), req,
        new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] message) {
            try {
              com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(message);
              for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int field = tag >>> 3;
                if (field == 3) {
                  received.incrementAndGet();
                  in.skipField(tag);
                } else if (field == 6) {
                  int limit = in.pushLimit(in.readRawVarint32());
                  for (int t = in.readTag(); t != 0; t = in.readTag()) {
                    received.incrementAndGet();
                    in.skipField(t);
                  }
                  in.popLimit(limit);
                } else if (field == 4) {
                  lost.addAndGet(io.hybridmesh.api.flow.v1.LostEvent.parseFrom(in.readBytes()).getNumEventsLost());
                } else {
                  in.skipField(tag);
                }
              }
            } catch (java.io.IOException e) {
              failed.set(e);
            }
          }

          @Override
          public void onError(Throwable t) {
            failed.set(t);
          }

          @Override
          public void onCompleted() {}
        });
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  /** Fills a ring with {@code capacity} distinct flows and reports what it holds on the heap. */
  private static RingSink memory(int capacity) {
    RealisticFlows flows = new RealisticFlows();
    flows.next(); // classes loaded and shared objects built before the baseline
    long before = usedHeapAfterGc();
    FlowRing ring = new FlowRing(capacity);
    RingSink sink = new RingSink(ring);
    for (int i = 0; i < capacity; i++) {
      sink.accept(flows.next());
    }
    long after = usedHeapAfterGc();
    double mib = (after - before) / 1048576.0;
    System.out.printf(Locale.ROOT, "ring memory: %d flows held; heap delta after GC %.1f MiB (%.0f bytes/flow)%n",
        ring.stored(), mib, (after - before) / (double) capacity);
    try {
      long jol = org.openjdk.jol.info.GraphLayout.parseInstance(ring).totalSize();
      System.out.printf(Locale.ROOT, "ring memory: JOL object graph of the ring %.1f MiB (%.0f bytes/flow)%n",
          jol / 1048576.0, jol / (double) capacity);
      System.out.printf(Locale.ROOT, "RESULT ring_mib_heap_delta=%.1f ring_mib_jol=%.1f%n", mib, jol / 1048576.0);
    } catch (RuntimeException | LinkageError e) {
      System.out.println("ring memory: JOL unavailable (" + e + ")");
      System.out.printf(Locale.ROOT, "RESULT ring_mib_heap_delta=%.1f%n", mib);
    }
    return sink;
  }

  private static void rate(RingSink sink, int rounds, int roundSeconds, int warmupSeconds, long producerRate,
      int batch, boolean decode) throws Exception {
    // The producer cycles through the flows already in the ring: realistic objects, no allocation per write.
    int capacity = sink.ring().capacity();
    Flow[] pool = new Flow[capacity];
    FlowRing.Cursor all = sink.ring().open(FlowRing.Query.last(capacity), null);
    for (int i = 0; i < capacity; i++) {
      pool[i] = all.poll().flow();
    }
    ObserverService service = new ObserverService(sink, "node-1");
    ObserverServer server = ObserverServer.tcp("127.0.0.1", 0, service).start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
        .directExecutor().maxInboundMessageSize(4 << 20).build();

    AtomicLong received = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    GetFlowsRequest req = GetFlowsRequest.newBuilder().setFollow(true).setBatchSize(batch)
        .addAllow(FlowFilter.newBuilder().addFlowType(FlowType.L7)).build();
    if (!decode) {
      countingFollower(channel, req, received, lost, failed);
    } else ObserverGrpc.newStub(channel).getFlows(req, new StreamObserver<>() {
      @Override
      public void onNext(GetFlowsResponse r) {
        if (r.hasFlow()) {
          received.incrementAndGet();
        } else if (r.hasFlows()) {
          received.addAndGet(r.getFlows().getFlowsCount());
        } else if (r.hasLostEvents()) {
          lost.addAndGet(r.getLostEvents().getNumEventsLost());
        }
      }

      @Override
      public void onError(Throwable t) {
        failed.set(t);
      }

      @Override
      public void onCompleted() {}
    });

    AtomicLong written = new AtomicLong();
    Thread producer = new Thread(() -> {
      int i = 0;
      long n = 0;
      long start = System.nanoTime();
      while (!Thread.currentThread().isInterrupted()) {
        sink.accept(pool[i]);
        i = (i + 1) & (capacity - 1);
        if ((++n & 1023) == 0) {
          written.addAndGet(1024);
          if (producerRate > 0) {
            long due = start + (long) (n * 1e9 / producerRate);
            long early = due - System.nanoTime();
            if (early > 0) {
              java.util.concurrent.locks.LockSupport.parkNanos(early);
            }
          }
        }
      }
    }, "bench-producer");
    producer.setDaemon(true);
    producer.start();

    Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
    List<Rounds.Round> measured = Rounds.measure(rounds, roundSeconds, received::get, written::get, lost::get);
    producer.interrupt();
    for (int r = 0; r < measured.size(); r++) {
      Rounds.Round m = measured.get(r);
      System.out.printf(Locale.ROOT, "  round %d: delivered %,.0f flows/s; written %,.0f flows/s "
          + "(half match the filter); follower lost %,.0f flows/s to overwrites%n", r + 1, m.received(),
          m.written(), m.lost());
    }
    if (failed.get() != null) {
      System.out.println("stream failed: " + failed.get());
    }
    Rounds.Spread spread = Rounds.received(measured);
    System.out.printf(Locale.ROOT, "stream rate (%s, producer %s): median %,.0f flows/s over %d rounds of %ds "
        + "(min %,.0f, max %,.0f); goal >= 200,000: %s%n",
        (batch > 1 ? "batches of up to " + batch : "one flow per message")
            + (decode ? ", follower decodes" : ", follower counts bytes"),
        producerRate > 0 ? String.format(Locale.ROOT, "paced at %,d flows/s", producerRate) : "at full speed",
        spread.median(), rounds, roundSeconds, spread.min(), spread.max(),
        spread.median() >= 200_000 ? "MET" : "NOT MET");
    System.out.printf(Locale.ROOT, "RESULT stream_median=%.0f stream_min=%.0f stream_max=%.0f%n", spread.median(),
        spread.min(), spread.max());
    channel.shutdownNow();
    server.stop(2, TimeUnit.SECONDS);
  }
}
