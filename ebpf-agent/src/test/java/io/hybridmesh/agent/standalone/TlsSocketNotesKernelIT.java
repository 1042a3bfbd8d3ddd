package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * The TLS probes' socket tracepoints go while no watched process makes a TLS call and come back at the next:
 * nginx with TLS, a Python client (its ssl module ties each socket to its SSL object with SSL_set_fd), both ends
 * watched, the tracepoints' idle time one second. (With the probes of SSL_set_fd disabled, checked, the flows
 * made while the tracepoints are away have no addresses.)
 */
@KernelTest
public class TlsSocketNotesKernelIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String ATTACHED = "TLS socket tracepoints attached";
  private static final String AGAIN = "TLS socket tracepoints attached again on a TLS call";

  private TwoHosts hosts;
  private StandaloneAgent agent;
  private CollectingSink sink;

  @BeforeEach
  void setUp() throws IOException {
    hosts = new TwoHosts();
    hosts.startTlsNginx();
    sink = new CollectingSink(0);
    agent = HostAgents.tls(hosts, sink, Map.of(),
        new TlsHooks(UprobeLinks.SESSION, SocketHooks.SOCKET_TRACEPOINTS, Duration.ofSeconds(1)));
  }

  @AfterEach
  void tearDown() {
    agent.close();
    hosts.close();
  }

  @Test
  void theyGoWithoutTlsCallsAndAFlowMadeWhileTheyAreAwayStillHasItsConnection() throws Exception {
    // A client that is probed, then waits: its probing brings the notes back (its first calls may be on
    // connections older than the agent), a second without calls takes them away again, and then it calls.
    Path go = Files.createTempFile("hm-notes-go", "");
    Files.delete(go);
    Process python = new ProcessBuilder("ip", "netns", "exec", hosts.client.name(), "python3", "-c", """
        import http.client, os, ssl, time
        deadline = time.time() + 30
        while not os.path.exists("%s") and time.time() < deadline:
            time.sleep(0.05)
        ctx = ssl._create_unverified_context()
        c = http.client.HTTPSConnection("%s", 8443, context=ctx)
        c.request("PATCH", "/ok")
        c.getresponse().read()
        print(c.sock.getsockname()[1])
        c.close()
        """.formatted(go, TwoHosts.SERVER_V4)).redirectErrorStream(true).start();
    try {
      await().atMost(WAIT).until(() -> agent.tlsProbesOn((int) python.pid()));
      await().atMost(WAIT).untilAsserted(() ->
          assertEquals(0L, agent.counters().get(ATTACHED), agent.counters()::toString));
      // Gone from the kernel, not only from the agent's count: no link runs the notes' programs.
      assertTrue(linkedPrograms().isEmpty(), () -> "still linked: " + linkedPrograms());
      assertEquals(0L, agent.counters().get(AGAIN));

      Files.createFile(go);
      assertTrue(python.waitFor(30, TimeUnit.SECONDS));
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, python.exitValue(), out);
      int port = Integer.parseInt(out.trim());

      // Both ends' flows of that request, made while the notes were away: their connection came from
      // SSL_set_fd (python's at wrap_socket, nginx's at accept).
      Predicate<Flow> patch = f -> f.getType() == FlowType.L7 && f.getL7().getHttp().getMethod().equals("PATCH");
      await().atMost(WAIT).untilAsserted(() -> assertEquals(4, sink.flows(patch).size(), sink::dump));
      for (Reporter reporter : List.of(Reporter.CLIENT, Reporter.SERVER)) {
        Flow request = sink.flows(patch.and(f -> f.getReporter() == reporter)
            .and(f -> f.getL7().getType() == L7FlowType.REQUEST)).get(0);
        assertEquals(TwoHosts.CLIENT_V4, request.getIp().getSource(), sink::dump);
        assertEquals(port, request.getL4().getTcp().getSourcePort(), sink::dump);
        assertEquals(TwoHosts.SERVER_V4, request.getIp().getDestination());
        assertEquals(8443, request.getL4().getTcp().getDestinationPort());
        assertTrue(request.getCompleteness().getReason().isEmpty(), request::toString);
      }

      // The call brought them back, in the kernel too.
      await().atMost(WAIT).untilAsserted(() ->
          assertEquals(1L, agent.counters().get(AGAIN), agent.counters()::toString));
      assertEquals(1L, agent.counters().get(ATTACHED));
      assertEquals(Set.of("hm_sock_send", "hm_sock_recv"), linkedPrograms());
    } finally {
      python.destroyForcibly();
      Files.deleteIfExists(go);
    }
  }

  /** Names of the notes' programs some BPF link runs now. */
  private static Set<String> linkedPrograms() {
    Set<Long> ids = new HashSet<>();
    for (JsonElement l : bpftool("link")) {
      if (l.getAsJsonObject().has("prog_id")) {
        ids.add(l.getAsJsonObject().get("prog_id").getAsLong());
      }
    }
    Set<String> names = new HashSet<>();
    for (JsonElement p : bpftool("prog")) {
      String name = p.getAsJsonObject().get("name").getAsString();
      if ((name.equals("hm_sock_send") || name.equals("hm_sock_recv"))
          && ids.contains(p.getAsJsonObject().get("id").getAsLong())) {
        names.add(name);
      }
    }
    return names;
  }

  private static Iterable<JsonElement> bpftool(String object) {
    String json = Shell.run("bpftool", "-j", object, "show");
    return JsonParser.parseString(json.isBlank() ? "[]" : json).getAsJsonArray();
  }
}
