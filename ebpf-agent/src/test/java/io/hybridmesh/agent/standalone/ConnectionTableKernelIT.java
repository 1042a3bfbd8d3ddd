package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.DropCounters;
import io.hybridmesh.agent.datapath.TcDatapath;
import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.flow.TeeSink;
import io.hybridmesh.agent.metrics.FlowMetrics;
import io.hybridmesh.agent.metrics.MetricsOptions;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel's connection table is an LRU hash that evicts without telling: held-open connections that do
 * not fit in it must come out as counted lost events (in the stream and in the metrics), and a table they
 * fit in must count none.
 */
@KernelTest
class ConnectionTableKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int CONNECTIONS = 40;
  private static final String EVICTED = "connections evicted from the table";

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private Process client;
  private BufferedReader clientOut;
  private final CollectingSink sink = new CollectingSink(0);
  private final FlowMetrics metrics = new FlowMetrics(MetricsOptions.DEFAULT);

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    hosts.startTcpSink();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (client != null) {
      client.destroy();
      client.waitFor(5, TimeUnit.SECONDS);
    }
    if (agent != null) {
      agent.close();
    }
    hosts.close();
  }

  private void startAgent(int tableSize) {
    agent = new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "table-node",
        new TcSettings(1 << 20, tableSize, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(2)),
        Duration.ofSeconds(5), false), new TeeSink(List.of(sink, metrics)));
    agent.start();
  }

  /** A client in its namespace that opens, writes to and closes {@link #CONNECTIONS} connections when told. */
  private void startClient() throws IOException {
    client = new ProcessBuilder("ip", "netns", "exec", hosts.client.name(), "python3", "-u", "-c", """
        import socket, sys
        socks = []
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "open":
                socks = [socket.create_connection(("%s", 9100)) for _ in range(%d)]
            elif cmd == "send":
                for s in socks:
                    s.sendall(b"x" * 100)
            elif cmd == "close":
                for s in socks:
                    s.close()
            print("done", cmd, flush=True)
        """.formatted(TwoHosts.SERVER_V4, CONNECTIONS)).redirectErrorStream(true).start();
    clientOut = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
  }

  private void tell(String command) throws IOException {
    OutputStream in = client.getOutputStream();
    in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
    String line = clientOut.readLine();
    assertEquals("done " + command, line, "the client's answer");
  }

  @Test
  void connectionsEvictedFromASmallTableAreCountedAsLost() throws IOException {
    startAgent(16); // TcSettings.connectionTableSize: the table's size is set at load time
    startClient();
    tell("open");

    // Each connection has an entry per watched end: 80 entries for 16 places, all of them held open, so
    // at least 64 were pushed out. Every one must be counted, once, in the stream and in the metrics.
    long atLeast = 2L * CONNECTIONS - 16;
    await().atMost(WAIT).untilAsserted(() -> {
      long lost = sink.lostEvents(LostEventSource.KERNEL_CONN_EVICTED);
      assertTrue(lost >= atLeast, lost + " evictions reported, at least " + atLeast + " happened");
      assertEquals(lost, agent.counters().get(EVICTED), agent.counters()::toString);
      assertTrue(metrics.render().lines().anyMatch(
          l -> l.equals("hmesh_lost_events_total{source=\"kernel_conn_evicted\"} " + lost)), metrics::render);
    });
    long lost = sink.lostEvents(LostEventSource.KERNEL_CONN_EVICTED);
    assertTrue(lost <= 4L * CONNECTIONS, "no more than were ever inserted (SYN and SYN-ACK): " + lost);

    // Data on connections the table lost starts them again, mid-stream, and says so.
    tell("send");
    await().atMost(WAIT).until(() -> agent.connectionsSeenMidstream() > 0);
    tell("close");
  }

  @Test
  void aTableTheConnectionsFitInCountsNoEviction() throws IOException {
    hosts.startUdpEcho();
    startAgent(4096);
    startClient();
    tell("open");
    tell("send");
    tell("close");
    Predicate<Flow> closed = f -> f.getL4().getTcp().getDestinationPort() == 9100
        && f.getConnection().getState() == ConnectionState.CLOSED;
    await().atMost(WAIT).until(() -> sink.flows(closed).size() == 2 * CONNECTIONS);

    // A positive signal that the ledger has looked at the table since: a UDP exchange is timed out by a
    // sweep, and a second one by a later sweep, which comes after the first sweep's count was taken.
    Predicate<Flow> timedOut = f -> f.getL4().getUdp().getDestinationPort() == 9053
        && f.getConnection().getState() == ConnectionState.TIMED_OUT;
    for (int round = 1; round <= 2; round++) {
      hosts.udpExchange(10);
      int expected = 2 * round;
      await().atMost(WAIT).until(() -> sink.flows(timedOut).size() == expected);
    }
    assertEquals(0, sink.lostEvents(LostEventSource.KERNEL_CONN_EVICTED));
    assertEquals(0L, agent.counters().get(EVICTED), agent.counters()::toString);
    assertEquals(0, agent.connectionsSeenMidstream(), "every connection was seen from its SYN");
    assertEquals(0, sink.lostEvents(), "nothing lost at all");
  }

  @Test
  void theBuildWithoutAtomicsIsAcceptedAndCountsToo() throws IOException {
    // What kernels before 5.12 get; this kernel takes both builds, so this one is loaded by name.
    Bpf bpf = NativeBpf.load();
    TcSettings settings = new TcSettings(1 << 20, 16, Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(2));
    try (TcDatapath tc = new TcDatapath(bpf, settings, BpfObjects.TC_FLOW_NO_ATOMICS);
        TcDatapath.Attachment a = tc.attach(1, Path.of("/run/netns", hosts.server.name()), "eth0", 14)) {
      assertEquals(BpfObjects.TC_FLOW_NO_ATOMICS, tc.objectName());
      startClient();
      tell("open");
      tell("close");
      DropCounters counters = new DropCounters(tc.stats(), tc.possibleCpus());
      assertTrue(counters.total(HmAbi.STAT_CONN_INSERTED) >= CONNECTIONS, "every SYN inserted an entry");
      assertTrue(counters.total(HmAbi.STAT_PACKETS) > 0);
    }
  }
}
