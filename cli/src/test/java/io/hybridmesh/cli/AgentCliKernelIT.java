package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.jni.TcHook;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import io.hybridmesh.jni.testing.TcPrograms;
import io.hybridmesh.jni.testing.TestNetns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code hmesh agent --standalone} as a user runs it: a separate process, stopped with SIGTERM. */
@KernelTest
class AgentCliKernelIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));

  private final List<Process> processes = new ArrayList<>();
  private TestNetns web;
  private TestNetns shop;
  private Path work;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory("hm-cli-it");
    web = TestNetns.create("hmweb");
    shop = TestNetns.create("hmshop");
    TestNetns.vethPair(web, "eth0", "10.232.0.1/24", shop, "eth0", "10.232.0.2/24");
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    web.close();
    shop.close();
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
  }

  @Test
  void printsConnectionFlowsAndDetachesOnSigterm() throws Exception {
    Files.writeString(work.resolve("index.html"), "x".repeat(5000));
    start(List.of("ip", "netns", "exec", shop.name(), "python3", "-m", "http.server", "8000",
        "--bind", "10.232.0.2", "--directory", work.toString()), work.resolve("server.log"));
    Process agent = start(List.of("java", "-jar", JAR.toString(), "agent", "--standalone",
        "--netns", web.name(), "--netns", shop.name(), "--print", "jsonl"), null);
    Path out = work.resolve("agent.out");
    Path err = work.resolve("agent.err");
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(err).contains("observing"));
    assertEquals(List.of("tcx:hm_tc_egress"), TcPrograms.ours(web.path(), "eth0", TcHook.Direction.EGRESS),
        "the agent attached to the interface, through tcx on this kernel");

    String port = web.exec("sh", "-c", "for i in $(seq 20); do curl -s -o /dev/null "
        + "-w '%{local_port} %{size_download}\\n' http://10.232.0.2:8000/index.html && exit 0; "
        + "sleep 0.2; done; exit 1").trim().split(" ")[0];

    await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(out).lines()
        .anyMatch(l -> l.contains("\"sourcePort\":" + port) && l.contains("\"CLOSED\"")));
    agent.destroy(); // SIGTERM
    assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "the agent exits on SIGTERM");

    String stderr = Files.readString(err);
    assertTrue(stderr.contains("detached"), stderr);
    assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
    assertEquals(List.of(), TcPrograms.ours(web.path(), "eth0", TcHook.Direction.EGRESS),
        "programs are gone after SIGTERM");

    List<JsonObject> all = Files.readAllLines(out).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
        .toList();
    List<JsonObject> closed = all.stream()
        .filter(f -> f.get("type").getAsString().equals("L3_L4") && f.getAsJsonObject("l4").has("tcp")
            && f.getAsJsonObject("l4").getAsJsonObject("tcp").get("sourcePort").getAsString().equals(port)
            && f.getAsJsonObject("connection").get("state").getAsString().equals("CLOSED"))
        .toList();
    assertEquals(2, closed.size(), "client and server each report the connection");
    for (JsonObject f : closed) {
      assertEquals("10.232.0.1", f.getAsJsonObject("ip").get("source").getAsString());
      assertEquals("10.232.0.2", f.getAsJsonObject("ip").get("destination").getAsString());
      assertEquals(web.name(), f.getAsJsonObject("source").get("podName").getAsString());
      assertEquals(shop.name(), f.getAsJsonObject("destination").get("podName").getAsString());
      assertEquals("EBPF", f.get("dataPath").getAsString());
      long response = f.getAsJsonObject("connection").getAsJsonObject("toSource")
          .get("payloadBytes").getAsLong();
      assertTrue(response > 5000 && response < 5400, "body plus headers: " + response);
    }
    // Plaintext HTTP read at the sockets (--plaintext auto, the default): the request at each end.
    List<JsonObject> requests = all.stream().filter(f -> f.get("type").getAsString().equals("L7")
        && f.getAsJsonObject("l7").get("type").getAsString().equals("REQUEST")
        && f.getAsJsonObject("l4").getAsJsonObject("tcp").get("sourcePort").getAsString().equals(port)).toList();
    assertEquals(2, requests.size(), "client and server each report the request: " + all);
    for (JsonObject f : requests) {
      assertEquals("EBPF_TRACEPOINT", f.getAsJsonObject("emitter").get("kind").getAsString());
      assertEquals("/index.html", f.getAsJsonObject("l7").getAsJsonObject("http").get("path").getAsString());
    }
  }

  @Test
  void servesTheObserverApi() throws Exception {
    Files.writeString(work.resolve("index.html"), "y".repeat(300));
    start(List.of("ip", "netns", "exec", shop.name(), "python3", "-m", "http.server", "8000",
        "--bind", "10.232.0.2", "--directory", work.toString()), work.resolve("server.log"));
    int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
    Process agent = start(List.of("java", "-jar", JAR.toString(), "agent", "--standalone",
        "--netns", web.name(), "--netns", shop.name(), "--serve", "127.0.0.1:" + port,
        "--metrics", "127.0.0.1:" + (port + 1)), null);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(work.resolve("agent.err")).contains("observing"));
    // Measured once at start, logged, and served with the metrics.
    assertTrue(Files.readString(work.resolve("agent.err")).contains("uprobe hit on an emulated instruction"),
        Files.readString(work.resolve("agent.err")));
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + (port + 1) + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(metrics.contains("hmesh_uprobe_hit_cost_seconds{kind=\"single_stepped\",return=\"false\"} "),
        metrics);
    String clientPort = web.exec("sh", "-c", "for i in $(seq 20); do curl -s -o /dev/null "
        + "-w '%{local_port}' http://10.232.0.2:8000/index.html && exit 0; sleep 0.2; done; exit 1").trim();

    io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", port)
        .usePlaintext().build();
    try {
      var observer = io.hybridmesh.api.observer.v1.ObserverGrpc.newBlockingStub(channel);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        List<io.hybridmesh.api.flow.v1.Flow> closed = new java.util.ArrayList<>();
        observer.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
            .getFlows(io.hybridmesh.api.observer.v1.GetFlowsRequest.newBuilder().setNumber(100).build())
            .forEachRemaining(r -> {
              if (r.hasFlow() && r.getFlow().getL4().getTcp().getSourcePort() == Integer.parseInt(clientPort)
                  && r.getFlow().getConnection().getState()
                      == io.hybridmesh.api.flow.v1.ConnectionState.CLOSED) {
                closed.add(r.getFlow());
              }
            });
        assertEquals(2, closed.size(), "client and server each report the connection");
      });
      var status = observer.serverStatus(io.hybridmesh.api.observer.v1.ServerStatusRequest.getDefaultInstance());
      assertTrue(status.getNumFlows() > 0, status.toString());
    } finally {
      channel.shutdownNow();
    }
    agent.destroy();
    assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
  }

  @Test
  void aNamespaceThatDoesNotExistIsOneClearSentence() throws Exception {
    Process agent = start(List.of("java", "-jar", JAR.toString(), "agent", "--standalone",
        "--netns", "hm-missing-" + ProcessHandle.current().pid(), "--print", "jsonl"), null);
    assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
    String stderr = Files.readString(work.resolve("agent.err"));
    assertEquals(1, agent.exitValue(), stderr);
    assertTrue(stderr.contains("does not exist"), stderr);
    assertFalse(stderr.contains("Exception"), "no stack trace: " + stderr);
  }

  @Test
  void withoutPrivilegeItSaysWhatIsMissingAndStops() throws Exception {
    // A world-readable copy of the jar, so that an unprivileged user can start it.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "hm-jar");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar = Files.copy(JAR, dir.resolve("hmesh.jar"));
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    try {
      Process agent = start(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "--inh-caps=-all", "java", "-jar", jar.toString(), "agent", "--standalone",
          "--netns", web.name(), "--print", "jsonl"), null);
      assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
      String stderr = Files.readString(work.resolve("agent.err"));
      assertEquals(1, agent.exitValue(), stderr);
      assertTrue(stderr.contains("uid 65534") && stderr.contains("root"), stderr);
      assertFalse(stderr.contains("Exception"), "no stack trace: " + stderr);
    } finally {
      Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", dir.toString()));
    }
  }

  private Process start(List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    if (log != null) {
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
    } else {
      pb.redirectOutput(work.resolve("agent.out").toFile()).redirectError(work.resolve("agent.err").toFile());
    }
    Process p = pb.start();
    processes.add(p);
    return p;
  }
}
