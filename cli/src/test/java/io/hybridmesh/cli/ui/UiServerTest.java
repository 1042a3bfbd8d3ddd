package io.hybridmesh.cli.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.cli.ReportPrinter;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway over HTTP against a real Observer server, both on loopback ports. */
class UiServerTest {

  private static final List<WorkloadReport> REPORTS = List.of(
      TestFlows.report("frontend", WorkloadDataPath.EBPF, L7Visibility.L7_FULL, "UPROBE_TARGETS_OK", "OpenSSL"),
      TestFlows.report("payments", WorkloadDataPath.SIDECAR, L7Visibility.L7_TLS_METADATA, "TLS_JSSE",
          "Container 'java' does TLS in the JVM (JSSE)"));
  private static ObserverServer observer;
  private static UiServer ui;

  @BeforeAll
  static void start() throws Exception {
    RingSink sink = new RingSink(new FlowRing(256));
    observer = ObserverServer.tcp("127.0.0.1", 0, new ObserverService(sink, "vm", "test", "", () -> REPORTS)).start();
    Instant now = Instant.now();
    for (int i = 0; i < 10; i++) {
      sink.accept(TestFlows.request("frontend", "payments", Reporter.CLIENT, "/v1/charges", now.minusSeconds(5)));
      sink.accept(TestFlows.response("frontend", "payments", Reporter.CLIENT, i == 0 ? 500 : 201, 2_000_000,
          now.minusSeconds(5)));
    }
    sink.accept(TestFlows.connection("frontend", "payments", "c1", ConnectionState.NEW, 60, 0, Reporter.CLIENT,
        now.minusSeconds(5)));
    ui = UiServer.open("localhost:0", "127.0.0.1:" + observer.port(), new PrintStream(new ByteArrayOutputStream()));
  }

  @AfterAll
  static void stop() {
    ui.close();
    observer.close();
  }

  private record Answer(int status, String body) {
    JsonObject json() {
      return JsonParser.parseString(body).getAsJsonObject();
    }
  }

  private static Answer get(String path) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + ui.port() + path).toURL()
        .openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    int status = c.getResponseCode();
    var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    return new Answer(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void listensOnLoopbackAndAnswersOnlyForLoopbackNames() throws Exception {
    assertTrue(ui.url().startsWith("http://localhost:"), ui.url());
    // A page elsewhere whose name resolves here (DNS rebinding) sends its own name as Host.
    try (Socket s = new Socket("127.0.0.1", ui.port())) {
      s.getOutputStream().write(("GET /api/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
      assertTrue(answer.contains("\"error\":\"hmesh ui listens on loopback"), answer);
    }
  }

  @Test
  void badInputIsRefusedWithASentence() throws Exception {
    Answer a = get("/api/flows?filter=" + enc("--pood demo"));
    assertEquals(400, a.status());
    assertTrue(a.json().get("error").getAsString().contains("--pood"), a.body());
    Answer window = get("/api/map?window=30d");
    assertEquals(400, window.status());
    assertTrue(window.json().get("error").getAsString().contains("duration") , window.body());
    assertEquals(400, get("/api/map?window=48h").status());
    assertEquals(400, get("/api/flows?bogus=1").status());
    assertEquals(404, get("/api/nothing").status());
    assertEquals(404, get("/assets/..%2f..%2fetc%2fpasswd").status());
    HttpURLConnection post = (HttpURLConnection) URI.create("http://localhost:" + ui.port() + "/api/flows").toURL()
        .openConnection();
    post.setRequestMethod("POST");
    post.setDoOutput(true);
    post.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
    assertEquals(405, post.getResponseCode());
  }

  @Test
  void theMapHasTheEdgeWithItsFigures() throws Exception {
    Answer a = get("/api/map?window=1m");
    assertEquals(200, a.status(), a.body());
    JsonObject result = a.json().getAsJsonObject("result");
    JsonArray edges = result.getAsJsonArray("edges");
    assertEquals(1, edges.size(), a.body());
    JsonObject edge = edges.get(0).getAsJsonObject();
    assertEquals("demo/frontend", edge.get("source").getAsString());
    assertEquals("demo/payments", edge.get("target").getAsString());
    assertEquals(10, edge.getAsJsonObject("l7").get("requests").getAsLong());
    assertEquals(1, edge.getAsJsonObject("l7").get("errors").getAsLong());
    assertEquals(1, edge.getAsJsonObject("l4").get("connections").getAsLong());
    assertEquals(21, result.get("flowsRead").getAsLong());
    Answer sidecarsOnly = get("/api/map?window=1m&dataPath=sidecar&namespace=demo");
    assertEquals(1, sidecarsOnly.json().getAsJsonObject("result").getAsJsonArray("edges").size());
    assertEquals(0, get("/api/map?window=1m&namespace=shop").json().getAsJsonObject("result")
        .getAsJsonArray("nodes").size());
  }

  @Test
  void reportsAreHmeshReportsWords() throws Exception {
    Answer table = get("/api/workloads");
    assertEquals(ReportPrinter.COLUMNS.toString(), table.json().getAsJsonArray("columns").toString()
        .replace("\"", "").replace(",", ", "));
    Answer one = get("/api/report?id=" + enc("demo/payments"));
    assertEquals(200, one.status(), one.body());
    assertEquals(ReportPrinter.detailsText(REPORTS.get(1)), one.json().get("text").getAsString());
    assertEquals("SIDECAR", one.json().getAsJsonArray("cells").get(3).getAsString());
    assertEquals(404, get("/api/report?id=" + enc("demo/nobody")).status());
  }

  @Test
  void flowsStreamAsJsonLinesThroughTheFilter() throws Exception {
    Answer a = get("/api/flows?last=100&filter=" + enc("--type l7 --http-status 5+"));
    assertEquals(200, a.status(), a.body());
    List<JsonObject> flows = new ArrayList<>();
    for (String line : a.body().split("\n")) {
      JsonObject o = JsonParser.parseString(line).getAsJsonObject();
      if (o.has("flows")) {
        o.getAsJsonArray("flows").forEach(f -> flows.add(f.getAsJsonObject()));
      }
    }
    assertEquals(1, flows.size(), a.body());
    assertTrue(flows.get(0).get("summary").getAsString().startsWith("500 (2ms) GET"), flows.get(0).toString());
  }

  @Test
  void aFollowingStreamDeliversNewFlowsAndEndsWhenTheBrowserLeaves() throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + ui.port()
        + "/api/flows?follow=true&last=1").toURL().openConnection();
    c.setReadTimeout(15000);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("application/x-ndjson; charset=utf-8", c.getHeaderField("Content-Type"));
      String line = in.readLine();
      assertTrue(line.startsWith("{\"flows\":["), line);
    }
    c.disconnect();
    // The stream's slot is given back once the gateway notices (at its next write).
    long deadline = System.nanoTime() + 20_000_000_000L;
    int ok = 0;
    for (int i = 0; i < UiServer.MAX_STREAMS + 1 && System.nanoTime() < deadline; i++) {
      ok += get("/api/flows?last=1").status() == 200 ? 1 : 0;
    }
    assertEquals(UiServer.MAX_STREAMS + 1, ok, "closed streams give their slots back");
  }

  @Test
  void aBrowserThatReadsTooSlowlyGetsItsDroppedFlowsCountedNotAGrowingQueue() throws Exception {
    RingSink sink = new RingSink(new FlowRing(1 << 15));
    int flows = 20_000;
    Instant now = Instant.now();
    for (int i = 0; i < flows; i++) {
      sink.accept(TestFlows.request("frontend", "backend", Reporter.CLIENT, "/api/" + "x".repeat(200) + i, now));
    }
    try (ObserverServer slowSource = ObserverServer.tcp("127.0.0.1", 0, new ObserverService(sink, "vm")).start();
        UiServer small = UiServer.start(new java.net.InetSocketAddress("127.0.0.1", 0),
            "127.0.0.1:" + slowSource.port(), 64 * 1024)) {
      try (Socket s = new Socket()) {
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", small.port()));
        s.getOutputStream().write(("GET /api/flows?last=" + 10_000 + "&filter= HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Thread.sleep(3000); // the gateway reads the whole backlog meanwhile; the browser reads nothing
        String answer = dechunked(s.getInputStream().readAllBytes());
        long received = 0;
        long lost = 0;
        for (String line : answer.split("\n")) {
          if (line.startsWith("{\"flows\"")) {
            received += JsonParser.parseString(line).getAsJsonObject().getAsJsonArray("flows").size();
          } else if (line.startsWith("{\"lost\"")) {
            JsonObject l = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("lost");
            assertEquals("UI_GATEWAY", l.get("source").getAsString());
            lost += l.get("count").getAsLong();
          }
        }
        assertTrue(lost > 0, "a slow browser loses flows");
        assertEquals(10_000, received + lost, "every flow arrived or was counted lost: " + received + " + " + lost);
      }
    }
  }

  /** The body of a raw HTTP/1.1 response with chunked transfer encoding. */
  private static String dechunked(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\r\n\r\n") + 4;
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    while (at < text.length()) {
      int eol = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, eol).strip(), 16);
      if (size == 0) {
        break;
      }
      body.write(raw, eol + 2, size);
      at = eol + 2 + size + 2;
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  @Test
  void thePageAndItsAssetsComeFromTheJar() throws Exception {
    Answer index = get("/");
    assertEquals(200, index.status(), index.body());
    assertTrue(index.body().contains("/assets/app.js"), index.body());
    Answer js = get("/assets/app.js");
    assertEquals(200, js.status(), js.body());
    assertTrue(js.body().length() > 100_000, "the bundle with cytoscape inside");
  }
}
