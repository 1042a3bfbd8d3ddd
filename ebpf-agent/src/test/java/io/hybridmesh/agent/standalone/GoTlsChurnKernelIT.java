package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.standalone.GoPeers.Build;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.jni.testing.KernelTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go under the probes as Go runs: many goroutines on one thread (GOMAXPROCS=1), whose reads park in the
 * netpoller and resume on whichever thread is free, so calls are matched by goroutine or lost; and Go servers
 * killed and restarted, and the agent leaving, while traffic runs: nothing crashes, and the new processes are
 * read again.
 */
@KernelTest
public class GoTlsChurnKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws Exception {
    hosts = new TwoHosts();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(), new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS));
  }

  @AfterEach
  void tearDown() {
    if (agent != null) {
      agent.close();
    }
    hosts.close();
  }

  private static Predicate<Flow> goRequests(Reporter r) {
    return f -> f.getType() == FlowType.L7 && f.getReporter() == r && f.getL7().getType() == L7FlowType.REQUEST
        && f.getTls().getLibrary() == TlsLibrary.GO_CRYPTO_TLS;
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void manyGoroutinesOnOneThreadEachRequestSeenOnce(boolean http2) throws Exception {
    GoTlsKernelIT.startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED), "GOMAXPROCS=1");
    int workers = 48;
    int each = 5;
    Process client = hosts.startInClient(clientCommand(http2, workers, each));
    List<String[]> done = GoPeers.requests(hosts.release(client, agent::tlsProbesOn));
    assertEquals(workers * each, done.size());
    assertTrue(done.stream().allMatch(r -> r[1].equals("200") && r[2].equals(http2 ? "HTTP/2.0" : "HTTP/1.1")));
    for (Reporter end : List.of(Reporter.SERVER, Reporter.CLIENT)) {
      // (The server's readiness check, a curl without the query, is not counted.)
      Predicate<Flow> ours = goRequests(end).and(f -> f.getL7().getHttp().getUrl().contains("x=1"));
      await().atMost(WAIT).untilAsserted(() -> assertEquals(workers * each, sink.flows(ours).size(),
          end + "\n" + sink.dump()));
      Set<String> urls = new HashSet<>();
      for (Flow f : sink.flows(ours)) {
        assertTrue(urls.add(f.getL7().getHttp().getUrl()), "seen once: " + f.getL7().getHttp().getUrl());
        assertEquals(GoTlsKernelIT.PORT, f.getL4().getTcp().getDestinationPort(), "the tuple: " + f);
        assertTrue(f.getL4().getTcp().getSourcePort() > 0);
      }
    }
  }

  private static String[] clientCommand(boolean http2, int workers, int each) throws Exception {
    String bin = GoPeers.client(Build.STRIPPED).toString();
    String url = GoTlsKernelIT.BASE + "/ok?x=1";
    return http2 ? new String[] {"env", "GOMAXPROCS=1", bin, "-h2", url, "" + workers, "" + each}
        : new String[] {"env", "GOMAXPROCS=1", bin, url, "" + workers, "" + each};
  }

  @Test
  void aGoServerKilledAndRestartedUnderTheProbesIsReadAgain() throws Exception {
    Process first = GoTlsKernelIT.startGoServer(hosts, agent, GoPeers.server(Build.PIE));
    // Traffic in flight when the server dies: the client's requests fail, nothing else does.
    Process busy = hosts.startInClient(GoPeers.client(Build.STRIPPED).toString(), GoTlsKernelIT.BASE + "/ok?busy=1",
        "8", "2000");
    await().atMost(WAIT).until(() -> agent.tlsProbesOn((int) busy.pid()));
    busy.getOutputStream().write('\n');
    busy.getOutputStream().close();
    Thread drain = new Thread(() -> {
      try {
        busy.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (java.io.IOException ignored) {
        // the process was destroyed
      }
    });
    drain.setDaemon(true);
    drain.start();
    await().atMost(WAIT).until(() -> sink.flows(goRequests(Reporter.SERVER)).size() > 50);
    first.destroyForcibly();
    assertTrue(first.waitFor(10, TimeUnit.SECONDS));
    busy.waitFor(60, TimeUnit.SECONDS);

    Process second = GoTlsKernelIT.startGoServer(hosts, agent, GoPeers.server(Build.PIE));
    int secondPid = GoTlsKernelIT.goPid(second);
    Process client = hosts.startInClient(GoPeers.client(Build.STRIPPED).toString(), GoTlsKernelIT.BASE
        + "/ok?after=1", "2", "10");
    assertEquals(20, GoPeers.requests(hosts.release(client, agent::tlsProbesOn)).size());
    await().atMost(WAIT).untilAsserted(() -> assertEquals(20, sink.flows(goRequests(Reporter.SERVER)
        .and(f -> f.getL7().getHttp().getUrl().contains("after=1"))
        .and(f -> f.getDestination().getProcess().getPid() == secondPid)).size(), sink::dump));
    assertTrue(second.isAlive(), "the restarted server runs on under its probes");
  }

  @Test
  void theAgentLeavingWhileGoTrafficRunsBreaksNothing() throws Exception {
    Process server = GoTlsKernelIT.startGoServer(hosts, agent, GoPeers.server(Build.STRIPPED));
    Process client = hosts.startInClient(GoPeers.client(Build.STRIPPED).toString(), GoTlsKernelIT.BASE
        + "/ok?leaving=1", "8", "300");
    await().atMost(WAIT).until(() -> agent.tlsProbesOn((int) client.pid()));
    client.getOutputStream().write('\n');
    client.getOutputStream().close();
    await().atMost(WAIT).until(() -> sink.flows(goRequests(Reporter.CLIENT)).size() > 100);
    agent.close(); // every probe detached mid-call: returns still pending must not break the programs
    agent = null;
    String out = new String(client.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(client.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, client.exitValue(), "the client finished every request");
    assertEquals(8 * 300, GoPeers.requests(out).size());
    assertTrue(server.isAlive());
  }
}
