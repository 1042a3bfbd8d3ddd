package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.observer.FlowRing;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.agent.observer.ObserverService;
import io.hybridmesh.agent.observer.RingSink;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer7;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The real command against an Observer server on a loopback port. */
class ObserveLoopbackTest {

  private static ObserverServer server;

  @BeforeAll
  static void start() throws Exception {
    RingSink sink = new RingSink(new FlowRing(64));
    server = ObserverServer.tcp("127.0.0.1", 0, new ObserverService(sink, "node1")).start();
    sink.accept(CompactPrinterTest.base(FlowType.L3_L4).build());
    sink.accept(CompactPrinterTest.base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST)
        .setHttp(HTTP.newBuilder().setMethod("GET").setUrl("https://hmB/api"))).build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ObserveCommand cmd = new ObserveCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    cmd.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    cmd.zone = ZoneOffset.UTC;
    CommandLine cl = new CommandLine(cmd);
    cl.setErr(new java.io.PrintWriter(cmd.err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String addr() {
    return "127.0.0.1:" + server.port();
  }

  @Test
  void compactShowsBothFlows() {
    Run r = run("--server", addr());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(2, lines.length, r.out());
    assertTrue(lines[0].contains(" L3/L4 FORWARDED TCP"), lines[0]);
    assertTrue(lines[1].endsWith(" L7-request FORWARDED GET https://hmB/api"), lines[1]);
  }

  @Test
  void typeFilterAndJson() {
    Run r = run("--server", addr(), "--type", "l7", "-o", "json");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(1, lines.length, r.out());
    assertTrue(lines[0].startsWith("{") && lines[0].contains("https://hmB/api"), lines[0]);
  }

  @Test
  void notFilterAndTable() {
    Run r = run("--server", addr(), "--not", "--type", "l7", "-o", "table");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(2, lines.length, r.out());
    assertTrue(lines[0].startsWith("TIMESTAMP"));
    assertTrue(lines[1].contains("L3/L4"));
  }

  @Test
  void badFilterIsTheServersMessageAndExit2() {
    Run r = run("--server", addr(), "--http-path", "(");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("hmesh observe: the server refused the request: "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void unreachableServerIsOneSentenceAndExit1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = run("--server", "127.0.0.1:" + port);
    assertEquals(1, r.code());
    assertEquals("hmesh observe: cannot reach the Observer API at 127.0.0.1:" + port
        + ": connection refused; is `hmesh agent --serve` running?\n", r.err());
  }
}
