package io.hybridmesh.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.GetFlowsRequest;
import io.hybridmesh.api.observer.v1.GetFlowsResponse;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.controller.relay.Peer;
import io.hybridmesh.controller.relay.PeerDirectory;
import io.hybridmesh.controller.relay.RelayService;
import com.google.protobuf.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The relay merging live streams from many agents: N simulated agents (each a real ObserverService over a
 * RingSink, served in-process so that the measurement is the relay's merge, not loopback TCP), each fed
 * realistic flows at a fixed rate by one shared producer thread; one client follows through the relay.
 * Prints the rate the client receives per round, against the rate offered, and what was lost on the way.
 *
 * <p>Arguments: agents (50), flows/s per agent (10000), rounds (5), round seconds (5), warm-up seconds (5).
 */
public final class RelayBench {

  public static void main(String[] args) throws Exception {
    int agents = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int perAgent = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int roundSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    String prefix = "relay-bench-" + System.nanoTime() + "-";

    List<RingSink> sinks = new ArrayList<>();
    List<Server> servers = new ArrayList<>();
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < agents; i++) {
      RingSink sink = new RingSink(new FlowRing(16384));
      sinks.add(sink);
      servers.add(InProcessServerBuilder.forName(prefix + i)
          .addService(new ObserverService(sink, "node-" + i)).build().start());
      peers.add(new Peer("node-" + i, prefix + i));
    }
    RelayService relay = new RelayService(PeerDirectory.of(peers),
        t -> InProcessChannelBuilder.forName(t).build(), Optional::empty, "bench");
    Server relayServer = InProcessServerBuilder.forName(prefix + "relay").addService(relay).build().start();
    ManagedChannel client = InProcessChannelBuilder.forName(prefix + "relay").build();

    AtomicLong received = new AtomicLong();
    AtomicLong lost = new AtomicLong();
    java.util.Map<String, Long> lostBySource = new java.util.concurrent.ConcurrentHashMap<>();
    ObserverGrpc.newStub(client).getFlows(GetFlowsRequest.newBuilder().setFollow(true).setBatchSize(256).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(GetFlowsResponse r) {
            if (r.hasFlow()) {
              received.incrementAndGet();
            } else if (r.hasFlows()) {
              received.addAndGet(r.getFlows().getFlowsCount());
            } else if (r.hasLostEvents()) {
              lost.addAndGet(r.getLostEvents().getNumEventsLost());
              lostBySource.merge(r.getLostEvents().getSource().name(), r.getLostEvents().getNumEventsLost(),
                  Long::sum);
            }
          }

          @Override
          public void onError(Throwable t) {
            System.out.println("stream failed: " + t);
          }

          @Override
          public void onCompleted() {}
        });

    // Realistic flows, made once; each write gets the current time so the relay orders live data. In a
    // cluster each agent stamps its own flows on its own node; here that runs on the relay's two CPUs too:
    // the rate measured is a lower bound.
    RealisticFlows source = new RealisticFlows();
    // One builder per pooled flow, kept: stamping then costs a field and a shallow copy, not a deep
    // toBuilder() per flow (which cost more than the relay's whole merge).
    Flow.Builder[] pool = new Flow.Builder[4096];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = source.next().toBuilder();
    }
    AtomicLong written = new AtomicLong();
    long total = (long) agents * perAgent;
    Thread producer = new Thread(() -> {
      long start = System.nanoTime();
      long n = 0;
      while (!Thread.currentThread().isInterrupted()) {
        long now = System.currentTimeMillis();
        Timestamp ts = Timestamp.newBuilder().setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000).build();
        for (int b = 0; b < 64; b++, n++) {
          sinks.get((int) (n % agents)).accept(pool[(int) (n % pool.length)].setTime(ts).build());
        }
        written.addAndGet(64);
        long early = start + (long) (n * 1e9 / total) - System.nanoTime();
        if (early > 0) {
          LockSupport.parkNanos(early);
        }
      }
    }, "bench-producer");
    producer.setDaemon(true);
    producer.start();

    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    List<Rounds.Round> measured = Rounds.measure(rounds, roundSeconds, received::get, written::get, lost::get);
    producer.interrupt();
    for (int r = 0; r < measured.size(); r++) {
      Rounds.Round m = measured.get(r);
      System.out.printf(Locale.ROOT, "  round %d: client received %,.0f flows/s; agents wrote %,.0f flows/s; "
          + "lost on the way %,.0f flows/s%n", r + 1, m.received(), m.written(), m.lost());
    }
    Rounds.Spread spread = Rounds.received(measured);
    double median = spread.median();
    System.out.printf(Locale.ROOT, "relay: %d agents at %,d flows/s each (%,d offered): client median %,.0f flows/s"
        + " (min %,.0f, max %,.0f), %.0f%% of the offered rate%n", agents, perAgent, total, median, spread.min(),
        spread.max(), 100.0 * median / total);
    System.out.println("lost by source: " + lostBySource);
    System.out.printf(Locale.ROOT, "RESULT relay_median=%.0f relay_offered=%d%n", median, total);
    client.shutdownNow();
    relay.close();
    relayServer.shutdownNow();
    servers.forEach(Server::shutdownNow);
    System.exit(0);
  }
}
