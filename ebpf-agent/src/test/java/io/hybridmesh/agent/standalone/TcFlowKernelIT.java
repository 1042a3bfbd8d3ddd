package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The TC data path for real: two network namespaces, nginx and a UDP echo server in one, curl and
 * python clients in the other, the agent's programs attached to both ends.
 */
@KernelTest
class TcFlowKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    hosts.close();
  }

  private CollectingSink startAgent(TcSettings settings, long sinkDelayMillis) throws IOException {
    CollectingSink sink = new CollectingSink(sinkDelayMillis);
    StandaloneOptions options = new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "test-node", settings, Duration.ofMillis(500), false);
    agent = new StandaloneAgent(NativeBpf.load(), options, sink);
    agent.start();
    return sink;
  }

  private static TcSettings quickTimeouts() {
    return new TcSettings(1 << 20, 4096, Duration.ofSeconds(5), Duration.ofSeconds(60),
        Duration.ofSeconds(2));
  }

  @Test
  void tcpConnectionsToNginxOverIpv4AndIpv6() throws IOException {
    hosts.startNginx(10_000);
    CollectingSink sink = startAgent(quickTimeouts(), 0);

    for (String url : List.of("http://" + TwoHosts.SERVER_V4 + ":8080/file",
        "http://[" + TwoHosts.SERVER_V6 + "]:8080/file")) {
      String[] w = hosts.curl(url, "%{local_port} %{size_request} %{size_header} %{size_download}");
      int port = Integer.parseInt(w[0]);
      long requestBytes = Long.parseLong(w[1]);
      long responseBytes = Long.parseLong(w[2]) + Long.parseLong(w[3]);
      assertEquals(10_000, Long.parseLong(w[3]));

      Predicate<Flow> thisConnection = f -> f.getL4().getTcp().getSourcePort() == port;
      await().atMost(WAIT).untilAsserted(() -> assertEquals(2,
          sink.flows(thisConnection.and(closed())).size(), sink::dump));

      for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
        Flow opened = only(sink.flows(thisConnection.and(state(ConnectionState.NEW))
            .and(f -> f.getReporter() == reporter)));
        Flow ended = only(sink.flows(thisConnection.and(closed()).and(f -> f.getReporter() == reporter)));
        boolean v6 = url.contains("[");
        assertEquals(v6 ? TwoHosts.CLIENT_V6 : TwoHosts.CLIENT_V4, ended.getIp().getSource());
        assertEquals(v6 ? TwoHosts.SERVER_V6 : TwoHosts.SERVER_V4, ended.getIp().getDestination());
        assertEquals(8080, ended.getL4().getTcp().getDestinationPort());
        assertEquals(hosts.client.name(), ended.getSource().getPodName());
        assertEquals(hosts.server.name(), ended.getDestination().getPodName());
        assertEquals(DataPath.EBPF, ended.getDataPath());
        assertEquals(FlowType.L3_L4, ended.getType());
        assertEquals("test-node", ended.getNodeName());
        assertEquals(reporter == Reporter.CLIENT ? TrafficDirection.EGRESS : TrafficDirection.INGRESS,
            ended.getTrafficDirection());
        assertTrue(opened.getL4().getTcp().getFlags().getSYN());
        assertEquals(reporter == Reporter.CLIENT ? ObservationPoint.FROM_ENDPOINT
            : ObservationPoint.TO_ENDPOINT, opened.getObservationPoint(), "the SYN leaves the client");
        assertEquals(opened.getConnection().getId(), ended.getConnection().getId());

        Connection c = ended.getConnection();
        assertTrue(c.getInitiatorKnown());
        assertTrue(c.getFlagsToSource().getSYN() && c.getFlagsToSource().getACK(), "SYN-ACK seen");
        assertTrue(c.getFlagsToDestination().getFIN() && c.getFlagsToSource().getFIN());
        assertEquals(requestBytes, c.getToDestination().getPayloadBytes(), "request bytes");
        assertEquals(responseBytes, c.getToSource().getPayloadBytes(), "response bytes");
        long headers = (v6 ? 40 : 20) + 20; // at least IP + TCP header per segment
        assertTrue(c.getToSource().getBytes() >= responseBytes + c.getToSource().getPackets() * headers);
        assertTrue(c.getToDestination().getPackets() >= 4, "SYN, ACK, request, FIN at least");
        assertTrue(c.hasEndTime());
      }
    }
  }

  @Test
  void udpExchangeTimesOutWithItsByteCounts() throws IOException {
    hosts.startUdpEcho();
    CollectingSink sink = startAgent(quickTimeouts(), 0);

    hosts.udpExchange(100, 200, 300);

    Predicate<Flow> echo = f -> f.getL4().getUdp().getDestinationPort() == 9053;
    await().atMost(WAIT).untilAsserted(() -> assertEquals(2,
        sink.flows(echo.and(state(ConnectionState.TIMED_OUT))).size(), sink::dump));
    for (Flow f : sink.flows(echo.and(state(ConnectionState.TIMED_OUT)))) {
      assertEquals(40053, f.getL4().getUdp().getSourcePort());
      assertEquals(TwoHosts.CLIENT_V4, f.getIp().getSource());
      assertEquals(600, f.getConnection().getToDestination().getPayloadBytes());
      assertEquals(600, f.getConnection().getToSource().getPayloadBytes());
      assertEquals(3, f.getConnection().getToDestination().getPackets());
      assertEquals(600 + 3 * 28, f.getConnection().getToDestination().getBytes());
    }
    assertEquals(2, sink.flows(echo.and(state(ConnectionState.NEW))).size(), "client and server view");
  }

  @Test
  void aRefusedConnectionIsReported() throws IOException {
    CollectingSink sink = startAgent(quickTimeouts(), 0);
    hosts.client.exec("sh", "-c", "curl -s http://" + TwoHosts.SERVER_V4 + ":9/ || true");

    await().atMost(WAIT).untilAsserted(() -> {
      Flow reset = only(sink.flows(state(ConnectionState.RESET)
          .and(f -> f.getReporter() == Reporter.CLIENT)));
      assertEquals(DropReason.CONNECTION_REFUSED, reset.getDropReason());
      assertEquals(9, reset.getL4().getTcp().getDestinationPort());
    });
  }

  @Test
  void aFullRingBufferLosesCountedEventsButNoConnectionEnd() throws IOException {
    hosts.startNginx(100);
    // A ring of 4 KiB holds 30 events; a sink that takes 20 ms a flow cannot keep up.
    CollectingSink sink = startAgent(new TcSettings(4096, 4096, Duration.ofSeconds(5),
        Duration.ofSeconds(60), Duration.ofSeconds(2)), 20);
    int connections = 40;
    hosts.client.exec(Duration.ofSeconds(60), "sh", "-c",
        "for i in $(seq " + connections + "); do curl -s -o /dev/null http://" + TwoHosts.SERVER_V4
            + ":8080/file; done");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertTrue(sink.lostEvents() > 0, "the kernel counted what it could not send");
      // Every connection's end reaches user space: in the ring buffer, or through the sweep.
      long ends = sink.flows(closed().and(f -> f.getL4().getTcp().getDestinationPort() == 8080))
          .stream().map(f -> f.getConnection().getId()).distinct().count();
      assertEquals(2L * connections, ends, "one end per connection and reporter");
    });
    assertTrue(agent.counters().get("events lost (ring buffer full)") > 0);
  }

  @Test
  void anInterfaceThatDisappearsIsDetachedQuietly() throws IOException {
    CollectingSink sink = startAgent(quickTimeouts(), 0);
    hosts.client.exec("ip", "link", "del", "eth0"); // takes the peer in the server namespace with it
    await().atMost(WAIT).until(() -> agent.attachments().isEmpty());
    agent.close(); // detaching what is already gone is not an error
    assertFalse(sink.flows(f -> true).stream().anyMatch(f -> f.getConnection().getToDestination().getBytes() < 0));
  }

  @Test
  void namespacesThatDoNotExistAreAClearError() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
            List.of("hm-no-such-ns"), "n", quickTimeouts(), Duration.ofSeconds(1), false),
            new CollectingSink(0)));
    assertTrue(e.getMessage().contains("could be watched"), e.getMessage());
  }

  private static Predicate<Flow> state(ConnectionState s) {
    return f -> f.getConnection().getState() == s;
  }

  private static Predicate<Flow> closed() {
    return f -> f.getConnection().getState() == ConnectionState.CLOSED
        || f.getConnection().getState() == ConnectionState.RESET;
  }

  private static Flow only(List<Flow> flows) {
    assertEquals(1, flows.size(), () -> "expected one flow, got " + flows);
    return flows.get(0);
  }
}
