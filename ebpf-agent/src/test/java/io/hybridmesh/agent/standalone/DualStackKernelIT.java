package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.TcSettings;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.observer.FlowFilters;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.observer.v1.FlowFilter;
import io.hybridmesh.jni.NativeBpf;
import io.hybridmesh.jni.testing.KernelTest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server listening on {@code ::} with IPV6_V6ONLY off takes an IPv4 client: its socket sees the client
 * as {@code ::ffff:10.231.0.1}. The flows the agent reads at that server's TLS calls must still say
 * 10.231.0.1, name both workloads, and match an IPv4 {@code --ip} filter, like the TC flows of the same
 * connection do.
 */
@KernelTest
class DualStackKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;
  private int serverPid;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    serverPid = hosts.startDualStackTlsPython();
    Map<String, Endpoint> identities = Map.of(
        hosts.client.name(), identity("web-client"),
        hosts.server.name(), identity("dual-server"));
    sink = new CollectingSink(0);
    agent = new StandaloneAgent(NativeBpf.load(), new StandaloneOptions(
        List.of(hosts.client.name(), hosts.server.name()), "dual-node",
        new TcSettings(1 << 22, 4096, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5)),
        Duration.ofMillis(500), true, identities, new TlsHooks(UprobeLinks.SESSION, SocketHooks.AUTO)), sink);
    agent.start();
    await().atMost(WAIT).until(() -> agent.tlsProbesOn(serverPid));
  }

  private static Endpoint identity(String workload) {
    return Endpoint.newBuilder().setNamespace("shop").setPodName(workload + "-0")
        .addWorkloads(Workload.newBuilder().setName(workload).setKind("Deployment")).build();
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    hosts.close();
  }

  @Test
  void anIpv4ClientOfADualStackServerIsSeenAsIpv4() {
    String base = "https://" + TwoHosts.SERVER_V4 + ":8444";
    String[] w = hosts.client.exec(Duration.ofSeconds(20), "curl", "-sk", "-o", "/dev/null",
        "-w", "%{local_port} ", base + "/ok", "--next", "-sk", "-o", "/dev/null", base + "/missing")
        .trim().split(" ");
    int port = Integer.parseInt(w[0]);

    Predicate<Flow> thisConnection = f -> f.getL4().getTcp().getSourcePort() == port
        || f.getL4().getTcp().getDestinationPort() == port;
    Predicate<Flow> serverL7 = thisConnection.and(f -> f.getType() == FlowType.L7)
        .and(f -> f.getReporter() == Reporter.SERVER);
    Predicate<Flow> closed = thisConnection.and(f -> f.getType() == FlowType.L3_L4)
        .and(f -> f.getConnection().getState() == ConnectionState.CLOSED);
    await().atMost(WAIT).untilAsserted(() -> {
      assertEquals(4, sink.flows(serverL7).size(), sink::dump);
      assertEquals(2, sink.flows(closed).size(), sink::dump);
    });

    List<Flow> requests = sink.flows(serverL7.and(f -> f.getL7().getType() == L7FlowType.REQUEST));
    assertEquals(List.of("/ok", "/missing"), requests.stream().map(f -> f.getL7().getHttp().getPath()).toList());
    for (Flow req : requests) {
      assertEquals(TwoHosts.CLIENT_V4, req.getIp().getSource(), "the client as IPv4, not ::ffff:");
      assertEquals(TwoHosts.SERVER_V4, req.getIp().getDestination());
      assertEquals(IPVersion.IPv4, req.getIp().getIpVersion());
      assertEquals(8444, req.getL4().getTcp().getDestinationPort());
      assertTrue(req.getDestination().getProcess().getComm().startsWith("python"), req::toString);
      // The client is named by its address: the lookup only finds it by the IPv4 address.
      assertEquals("web-client-0", req.getSource().getPodName(), req::toString);
      assertEquals("web-client", req.getSource().getWorkloads(0).getName());
      assertEquals("dual-server", req.getDestination().getWorkloads(0).getName());
    }
    List<Flow> responses = sink.flows(serverL7.and(f -> f.getL7().getType() == L7FlowType.RESPONSE));
    assertEquals(List.of(200, 404), responses.stream().map(f -> f.getL7().getHttp().getCode()).toList());
    // The server's socket is IPv6 (its client IPv4-mapped), so whether a write is reported at its entry turns
    // on comparing the socket's IPv6 words with those its connection was first seen with. Each response is
    // at least one write after a read; curl, probed when the agent sees it start, can add one (its second
    // request), so two or more means the server's were (measured: 5, and 1 with IPv6 sockets left out).
    assertTrue(agent.counters().get("TLS writes reported at their entry (no return probe)") >= 2,
        agent.counters()::toString);
    for (Flow resp : responses) {
      assertEquals(TwoHosts.SERVER_V4, resp.getIp().getSource());
      assertEquals(TwoHosts.CLIENT_V4, resp.getIp().getDestination());
      assertEquals("web-client", resp.getDestination().getWorkloads(0).getName());
    }
    assertFalse(sink.flows(f -> true).stream().anyMatch(f -> f.getIp().getSource().startsWith("::ffff:")
        || f.getIp().getDestination().startsWith("::ffff:")), sink::dump);

    // The Observer API's filters, as `hmesh observe --from-ip 10.231.0.0/24` and `--to-ip` send them,
    // select every flow of the connection, whichever program reported it.
    FlowFilters.Compiled fromClient = FlowFilters.compile(
        List.of(FlowFilter.newBuilder().addSourceIp("10.231.0.0/24").addDestinationPort("8444").build()),
        List.of());
    List<Flow> requestDirection = sink.flows(thisConnection.and(f -> f.getL4().getTcp().getSourcePort() == port));
    assertEquals(requestDirection.size(), sink.flows(fromClient).size(), sink::dump);
    assertTrue(sink.flows(fromClient).size() >= 4, "two TC flows at least and two server requests");
    FlowFilters.Compiled byMappedLiteral = FlowFilters.compile(
        List.of(FlowFilter.newBuilder().addDestinationIp("::ffff:" + TwoHosts.CLIENT_V4).build()), List.of());
    assertEquals(2, sink.flows(serverL7.and(byMappedLiteral)).size(), "the responses, by the mapped form too");
  }
}
