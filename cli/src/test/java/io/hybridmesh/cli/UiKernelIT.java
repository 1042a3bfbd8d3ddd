package io.hybridmesh.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.cli.ui.Chromium;
import io.hybridmesh.jni.testing.KernelTest;
import io.hybridmesh.jni.testing.Requirements;
import io.hybridmesh.jni.testing.Shell;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser UI as a person uses it: {@code hmesh demo} (which serves the UI) as a separate process, and
 * Debian's headless Chromium driven over its DevTools protocol. The map must show the demo's three workloads
 * with their data paths and the edges between them, a click on payments its report saying why it got a
 * sidecar (the words of {@code hmesh report}), and a filter on the flows page must narrow the list.
 * Screenshots stay in target/ui-kernel-it/.
 */
@KernelTest
class UiKernelIT {

  private static final Path JAR = Path.of(System.getProperty("hmesh.jar", "target/hmesh.jar"));
  private static final Path SHOTS = Path.of("target", "ui-kernel-it");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern UI_URL = Pattern.compile("Browser UI \\(service map, reports, live flows\\): (\\S+)");

  private final List<Process> processes = new ArrayList<>();
  private Path work;
  private String server;

  @BeforeEach
  void setUp() throws IOException {
    Requirements.requireTool("chromium");
    work = Files.createTempDirectory("hm-ui-it");
    Files.createDirectories(SHOTS);
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    for (Process p : processes) {
      p.destroy(); // SIGTERM: the demo takes its namespaces and probes down
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (work != null) {
      Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", work.toString()));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void mapReportsAndFlowsOfTheDemoInABrowser() throws Exception {
    server = "127.0.0.1:" + freePort();
    Process demo = new ProcessBuilder("java", "-jar", JAR.toString(), "demo", "--server", server, "--metrics", "none",
        "--xds", "127.0.0.1:" + freePort(), "--ui", "127.0.0.1:" + freePort(), "--pause", "0.2",
        "--state-dir", work.resolve("state").toString())
        .redirectOutput(work.resolve("demo.out").toFile()).redirectError(work.resolve("demo.err").toFile()).start();
    processes.add(demo);
    await().atMost(Duration.ofSeconds(90)).until(() -> read("demo.out").contains("Ctrl-C stops the demo")
        || !demo.isAlive());
    assertTrue(demo.isAlive(), () -> "the demo runs: " + read("demo.err"));
    Matcher m = UI_URL.matcher(read("demo.out"));
    assertTrue(m.find(), () -> "the demo prints the UI's address: " + read("demo.out") + read("demo.err"));
    String url = m.group(1);

    try (Chromium browser = Chromium.start(1400, 900)) {
      map(browser, url);
      paymentsReport(browser);
      flows(browser, url);
      assertEquals(List.of(), browser.pageErrors(), "no uncaught error in the page");
    }
  }

  /** The three workloads with their data paths, and the edges of the traffic between them. */
  private void map(Chromium b, String url) throws Exception {
    b.navigate(url + "#/map");
    // The map reads the flows of its window once; while the demo's first requests are still coming, refresh.
    JsonObject state = b.waitFor("the map with frontend, backend and payments and the edges between them", """
        (() => {
          const m = window.hmeshMap;
          if (!m || !m.paintedAt) return null;
          const nodes = {};
          m.cy.nodes().forEach((n) => { nodes[n.id()] = n.data('node'); });
          const edges = {};
          m.cy.edges().forEach((e) => { edges[e.id()] = e.data('edge'); });
          const ok = nodes['demo/frontend'] && nodes['demo/backend'] && nodes['demo/payments']
            && edges['demo/frontend -> demo/backend'] && edges['demo/frontend -> demo/backend'].l7
            && edges['demo/frontend -> demo/payments'] && m.cy.nodes().every((n) => n.visible());
          if (!ok && (!window.__refreshed || Date.now() - window.__refreshed > 2000)) {
            window.__refreshed = Date.now();
            m.paintedAt = null;
            document.querySelector('[data-testid=map-refresh]').click();
          }
          return ok ? JSON.stringify({ nodes, edges, labels: m.cy.nodes().map((n) => n.data('label')) }) : null;
        })()""", WAIT).getAsJsonPrimitive().getAsString().transform(s -> JsonParser.parseString(s).getAsJsonObject());
    b.screenshot(SHOTS.resolve("map.png"));
    JsonObject nodes = state.getAsJsonObject("nodes");
    assertEquals("EBPF", nodes.getAsJsonObject("demo/frontend").get("dataPath").getAsString());
    assertEquals("EBPF", nodes.getAsJsonObject("demo/backend").get("dataPath").getAsString());
    assertEquals("SIDECAR", nodes.getAsJsonObject("demo/payments").get("dataPath").getAsString());
    Set<String> labels = new HashSet<>();
    state.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
    assertTrue(labels.contains("frontend\nEBPF · L7 full"), labels::toString);
    assertTrue(labels.contains("payments\nSIDECAR · L7 tls-metadata"), labels::toString);
    JsonObject fb = state.getAsJsonObject("edges").getAsJsonObject("demo/frontend -> demo/backend");
    assertTrue(fb.getAsJsonObject("l7").get("requests").getAsLong() > 0, fb::toString);
    assertTrue(fb.getAsJsonObject("l7").get("errors").getAsLong() > 0, () -> "the demo's checkout fails (503): " + fb);
    assertTrue(fb.getAsJsonArray("dataPaths").toString().contains("EBPF"), fb::toString);
  }

  /** A click on payments: its report, why it got a sidecar, in the words hmesh report prints. */
  private void paymentsReport(Chromium b) throws Exception {
    b.eval("window.hmeshMap.cy.getElementById('demo/payments').emit('tap'), true");
    String text = b.waitFor("the payments report beside the map", """
        (() => { const t = document.querySelector('[data-testid=side] [data-testid=report-text]');
                 return t && t.textContent.includes('payments') ? t.textContent : null; })()""", WAIT).getAsString();
    b.screenshot(SHOTS.resolve("report.png"));
    assertTrue(text.contains("TLS_JSSE"), text);
    assertTrue(text.contains("does TLS in the JVM (JSSE)"), text);
    String cli = cli("report", "--server", server, "demo/payments");
    assertTrue(cli.contains(text.strip()), () -> "the page's report is hmesh report's:\n" + cli + "\n---\n" + text);
  }

  /** Live flows, then a filter in hmesh observe's syntax that narrows them; a bad filter is refused. */
  private void flows(Chromium b, String url) throws Exception {
    b.navigate(url + "#/flows");
    JsonArray all = b.waitFor("flows between several pairs of workloads", rowsWhen("new Set(rows.map((r) => r[1])).size >= 2"),
        WAIT).getAsJsonArray();
    assertTrue(all.size() > 0);
    b.eval(setFilter("--to-pod demo/payments --type l7"));
    JsonArray narrowed = b.waitFor("only L7 flows to payments", rowsWhen(
        "rows.length > 0 && rows.every((r) => r[1].startsWith('demo/payments/') && r[2].startsWith('L7'))"), WAIT)
        .getAsJsonArray();
    b.screenshot(SHOTS.resolve("flows.png"));
    Set<String> before = new HashSet<>();
    all.forEach(r -> before.add(r.getAsJsonArray().get(1).getAsString().replaceAll("/[^/]*$", "")));
    assertTrue(before.size() > 1, () -> "before the filter the list had other destinations: " + before);
    narrowed.forEach(r -> assertTrue(r.getAsJsonArray().get(1).getAsString().startsWith("demo/payments/"), r::toString));

    b.eval(setFilter("--pood demo/payments"));
    String error = b.waitFor("the refusal of an unknown flag", """
        (() => { const e = document.querySelector('[data-testid=flow-error]'); return e ? e.textContent : null; })()""",
        WAIT).getAsString();
    assertTrue(error.contains("--pood"), error);

    // An edge of the map opens its flows: requests one way, responses back.
    b.navigate(url + "#/map");
    b.waitFor("the map again", "window.hmeshMap && window.hmeshMap.paintedAt && window.hmeshMap.cy"
        + ".getElementById('demo/frontend -> demo/backend').length", WAIT);
    b.eval("window.hmeshMap.cy.getElementById('demo/frontend -> demo/backend').emit('tap'), true");
    JsonArray edge = b.waitFor("the flows of the frontend -> backend edge", rowsWhen("rows.length > 0 && rows.every((r) =>"
        + " (r[0].startsWith('demo/frontend/') && r[1].startsWith('demo/backend/'))"
        + " || (r[0].startsWith('demo/backend/') && r[1].startsWith('demo/frontend/')))"), WAIT)
        .getAsJsonArray();
    assertFalse(edge.isEmpty());
    JsonElement filter = b.eval("document.querySelector('[data-testid=flow-filter]').value");
    assertTrue(filter.getAsString().contains("--from-workload frontend --to-namespace demo --to-workload backend"),
        filter::toString);
  }

  /** The flow table's rows as [source, destination, type], when {@code condition} holds of them. */
  private static String rowsWhen(String condition) {
    return "(() => { const rows = [...document.querySelectorAll('[data-testid=flow-row]')].map((tr) =>"
        + " [tr.children[1].textContent, tr.children[2].textContent, tr.children[3].textContent]);"
        + " return (" + condition + ") ? rows : null; })()";
  }

  private static String setFilter(String text) {
    // The text as a JavaScript string literal (JSON's quoting is JavaScript's).
    return "(() => { const t = document.querySelector('[data-testid=flow-filter]'); t.value = "
        + new com.google.gson.JsonPrimitive(text) + "; t.dispatchEvent(new Event('input', { bubbles: true }));"
        + " document.querySelector('[data-testid=flow-apply]').click(); return true; })()";
  }

  private String cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(work.resolve("cli.err").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), () -> read("cli.err"));
    return out;
  }

  private String read(String file) {
    try {
      return Files.readString(work.resolve(file));
    } catch (IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }
}
