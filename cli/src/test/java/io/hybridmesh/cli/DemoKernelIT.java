package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Shell;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code hmesh demo} as a user runs it: a separate process, queried with {@code hmesh report} and
 * {@code hmesh observe} as separate processes, stopped with SIGTERM; nothing of it may remain.
 */
@KernelTest
class DemoKernelIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));

  private final List<Process> processes = new ArrayList<>();
  private Path work;
  private String server;
  private String metrics;
  private String xds;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory("hm-demo-it");
    try (ServerSocket s = new ServerSocket(0); ServerSocket m = new ServerSocket(0);
        ServerSocket x = new ServerSocket(0)) {
      server = "127.0.0.1:" + s.getLocalPort();
      metrics = "127.0.0.1:" + m.getLocalPort();
      xds = "127.0.0.1:" + x.getLocalPort();
    }
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      // SIGTERM first: a demo stopped by SIGKILL after a failed assertion would leave its namespaces and
      // workloads behind, and the next run would then see more leftovers than the one it plants.
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("ip", "netns", "del", "hm-demo-leftover"));
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
  }

  @Test
  void wholeMeshOnOneHostThenNothingLeftBehind() throws Exception {
    // What a killed earlier run leaves: a namespace of the demo's with a process still inside.
    Shell.run("ip", "netns", "add", "hm-demo-leftover");
    Process orphan = start(List.of("ip", "netns", "exec", "hm-demo-leftover", "sleep", "600"), "orphan");
    long programsBefore = ourPrograms();

    Process demo = start(List.of("java", "-jar", JAR.toString(), "demo", "--server", server, "--metrics", metrics, "--xds", xds, "--pause", "0.2",
        "--state-dir", work.resolve("state").toString()), "demo");
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(work.resolve("demo.out"))
        .contains("Ctrl-C stops the demo") || !demo.isAlive());
    assertTrue(demo.isAlive(), () -> "the demo runs: " + read("demo.err"));
    assertTrue(read("demo.err").contains("removed what an earlier run left behind: hm-demo-leftover"),
        read("demo.err"));
    assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the leftover's process was stopped");
    // A loopback demo stays plaintext, and says so for each port it opens.
    String banner = read("demo.out");
    assertTrue(banner.contains("Observer API on " + server + " (plaintext, no client authentication)"), banner);
    assertTrue(banner.contains("xDS and access logs on " + xds + " (plaintext;"), banner);

    Process second = start(List.of("java", "-jar", JAR.toString(), "demo", "--server", server, "--metrics", "none",
        "--state-dir", work.resolve("state").toString()), "second");
    assertTrue(second.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, second.exitValue());
    assertTrue(read("second.err").contains("another hmesh demo is running (pid " + demo.pid() + ")"),
        read("second.err"));

    Map<String, JsonObject> reports = reports();
    assertEquals(List.of("backend", "frontend", "payments"), reports.keySet().stream().sorted().toList());
    assertEquals("EBPF", reports.get("backend").get("dataPath").getAsString());
    assertEquals("EBPF", reports.get("frontend").get("dataPath").getAsString());
    assertEquals("SIDECAR", reports.get("payments").get("dataPath").getAsString());
    assertEquals("TLS_JSSE", reports.get("payments").getAsJsonArray("reasons").get(0).getAsJsonObject()
        .get("code").getAsString());

    // The node measured its uprobe cost at start; each eBPF workload's report says what a TLS call pays.
    assertTrue(read("demo.err").contains("uprobe"), read("demo.err"));
    JsonObject backendNode = reports.get("backend").getAsJsonArray("nodes").get(0).getAsJsonObject();
    JsonObject site = reports.get("backend").getAsJsonArray("containers").get(0).getAsJsonObject()
        .getAsJsonArray("probeSites").get(0).getAsJsonObject();
    assertTrue(site.has("instruction") && site.has("cost") && site.has("probeOffset"), site::toString);
    assertTrue(backendNode.has("tlsCallNs") || backendNode.get("tlsCallNote").getAsString().contains("measured"),
        backendNode::toString);
    String backend = cli("report", "--server", server, "demo/backend");
    assertTrue(backend.contains("    probe site SSL_") && backend.contains("expected CPU per TLS call: "), backend);

    // HTTP read inside TLS, by both ends of the connection.
    await().atMost(Duration.ofSeconds(30)).until(() -> observe("--type", "l7", "--last", "500").stream()
        .filter(f -> path(f).equals("/api/orders")).map(f -> f.get("reporter").getAsString())
        .collect(Collectors.toSet()).size() == 2);
    JsonObject order = observe("--type", "l7", "--last", "500", "--http-method", "POST").stream()
        .filter(f -> path(f).equals("/api/orders") && f.get("reporter").getAsString().equals("CLIENT"))
        .findFirst().orElseThrow();
    assertEquals("10.250.0.10", order.getAsJsonObject("ip").get("source").getAsString());
    assertEquals("10.250.0.20", order.getAsJsonObject("ip").get("destination").getAsString());
    assertEquals("demo", order.getAsJsonObject("source").get("namespace").getAsString());
    assertEquals("frontend", order.getAsJsonObject("source").get("podName").getAsString());
    assertEquals("backend", order.getAsJsonObject("destination").get("podName").getAsString());
    assertEquals("EBPF", order.get("dataPath").getAsString());

    List<JsonObject> failing = observe("--http-status", "5+", "--last", "100");
    assertFalse(failing.isEmpty());
    failing.forEach(f -> assertEquals(503, f.getAsJsonObject("l7").getAsJsonObject("http").get("code").getAsInt()));

    // Query values named like credentials never reach a flow: the frontend sends session=s3cr3t.
    List<JsonObject> l7 = observe("--type", "l7", "--last", "500");
    List<JsonObject> products = l7.stream().filter(f -> path(f).equals("/api/products")).toList();
    assertFalse(products.isEmpty());
    products.forEach(f -> assertTrue(f.getAsJsonObject("l7").getAsJsonObject("http").get("url").getAsString()
        .endsWith("/api/products?category=tea&session=HMESH_REDACTED"), f::toString));
    assertFalse(l7.stream().anyMatch(f -> f.toString().contains("s3cr3t")), "the secret in no flow");

    // payments has no eBPF data path, but the frontend's side of its calls is read by the frontend's probes.
    await().atMost(Duration.ofSeconds(30)).until(() -> !observe("--to-pod", "demo/payments", "--type", "l7",
        "--last", "100").isEmpty());
    observe("--to-pod", "demo/payments", "--type", "l7", "--last", "100").forEach(f -> {
      assertEquals("payments", f.getAsJsonObject("destination").get("podName").getAsString());
      assertEquals("CLIENT", f.get("reporter").getAsString());
    });

    // Prometheus metrics of the same flows, by workload and reporter.
    String scraped = new String(java.net.URI.create("http://" + metrics + "/metrics").toURL().openStream()
        .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(scraped.lines().anyMatch(l -> l.startsWith("hmesh_http_requests_total{")
        && l.contains("destination_workload=\"backend\"") && l.contains("reporter=\"client\"")), scraped);
    assertTrue(scraped.contains("hmesh_flows_processed_total{"), scraped);

    // The sidecar path: payments' sidecar would get its listeners over xDS, and what it logs arrives as
    // SIDECAR flows beside the eBPF ones.
    List<String> listeners = SidecarClient.listenerNames(xds, "payments.demo", "payments");
    assertTrue(listeners.contains("virtualInbound") && listeners.contains("virtualOutbound"), listeners::toString);
    SidecarClient.sendInboundTcpLog(xds, "payments.demo", "10.250.0.10", 41000, "10.250.0.30", 9443);
    await().atMost(Duration.ofSeconds(20)).until(() -> !observe("--data-path", "sidecar", "--last", "10").isEmpty());
    JsonObject sidecarFlow = observe("--data-path", "sidecar", "--last", "10").get(0);
    assertEquals("SIDECAR", sidecarFlow.get("dataPath").getAsString());
    assertEquals("payments", sidecarFlow.getAsJsonObject("destination").get("podName").getAsString());
    assertEquals("10.250.0.10", sidecarFlow.getAsJsonObject("ip").get("source").getAsString());
    assertFalse(observe("--data-path", "ebpf", "--last", "10").isEmpty(), "eBPF flows are in the same API");

    demo.destroy(); // SIGTERM, as Ctrl-C
    assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo stops on SIGTERM");
    assertTrue(read("demo.err").contains("stopped; removed"), read("demo.err"));
    assertFalse(read("demo.err").contains("\tat "), "no stack trace: " + read("demo.err"));
    assertFalse(Shell.run("ip", "netns", "list").contains("hm-demo-"), "no namespace of the demo remains");
    assertEquals(programsBefore, ourPrograms(), "no program of ours remains loaded");
    assertFalse(Files.exists(work.resolve("state")), "its files are gone");
  }

  private Map<String, JsonObject> reports() throws Exception {
    String out = cli("report", "--server", server, "-o", "json");
    return JsonParser.parseString(out).getAsJsonObject().getAsJsonArray("workloads").asList().stream()
        .map(e -> e.getAsJsonObject()).collect(Collectors.toMap(w -> w.get("name").getAsString(),
            Function.identity()));
  }

  private List<JsonObject> observe(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("observe", "--server", server, "-o", "json"));
    all.addAll(List.of(args));
    return cli(all.toArray(String[]::new)).lines().filter(l -> !l.isBlank())
        .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
  }

  private static String path(JsonObject flow) {
    JsonObject http = flow.getAsJsonObject("l7").getAsJsonObject("http");
    return http.has("path") ? http.get("path").getAsString() : "";
  }

  private String cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path err = work.resolve("cli.err");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " ends");
    assertEquals(0, p.exitValue(), () -> String.join(" ", args) + ": " + read("cli.err"));
    return out;
  }

  /** Programs of ours loaded in the kernel (the TC and TLS programs' names start with hm_). */
  private static long ourPrograms() {
    return Shell.run("bpftool", "prog", "show").lines().filter(l -> l.matches("^\\d+: .* name hm_.*")).count();
  }

  private Process start(List<String> command, String name) throws IOException {
    Process p = new ProcessBuilder(command).redirectOutput(work.resolve(name + ".out").toFile())
        .redirectError(work.resolve(name + ".err").toFile()).start();
    processes.add(p);
    return p;
  }

  private String read(String file) {
    try {
      return Files.readString(work.resolve(file));
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
