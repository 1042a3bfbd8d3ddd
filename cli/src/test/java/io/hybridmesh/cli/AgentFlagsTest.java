package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.redact.RedactionOptions;
import io.hybridmesh.agent.redact.RedactionOptions.QueryMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentFlagsTest {

  private static AgentCommand parse(String... args) {
    AgentCommand cmd = new AgentCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void redactionIsOnByDefaultAndKeepsQueries() {
    RedactionOptions o = parse().redactionOptions();
    assertTrue(o.secretHeaders().containsAll(RedactionOptions.DEFAULT_SECRET_HEADERS));
    assertTrue(o.userInfo());
    assertEquals(QueryMode.KEEP, o.query());
  }

  @Test
  void queryFlag() {
    assertEquals(QueryMode.ALL, parse("--redact-query").redactionOptions().query());
    assertEquals(QueryMode.VALUES, parse("--redact-query=values").redactionOptions().query());
    assertThrows(IllegalArgumentException.class, () -> parse("--redact-query=some").redactionOptions());
  }

  @Test
  void secretsAreKeptOnlyOnExplicitRequest() {
    RedactionOptions o = parse("--no-redact").redactionOptions();
    assertTrue(o.isOff());
    assertFalse(parse("--no-redact", "--redact-query").redactionOptions().isOff(), "the query flag still counts");
    assertTrue(parse("--redact-header", "X-Api-Key").redactionOptions().secretHeaders().contains("x-api-key"));
  }

  @Test
  void metricsFlag() {
    assertEquals("localhost:9965", parse("--metrics").metrics);
    assertEquals("0.0.0.0:9100", parse("--metrics", "0.0.0.0:9100").metrics);
    assertEquals(null, parse().metrics);
    assertEquals(Duration.ofMinutes(5), parse().metricsSeriesTtl);
    assertEquals(Duration.ofSeconds(10), parse("--stall-timeout", "10s").stallTimeout);
  }

  @Test
  void dataPathFlagsComeThroughTheMixin() {
    AgentCommand c = parse("--plaintext", "on", "--plaintext-idle", "5s", "--tc-attach", "legacy",
        "--ring-buffer-size", "1048576", "--no-tls");
    assertEquals(io.hybridmesh.agent.datapath.PlaintextMode.ON, c.dataPath.plaintextMode());
    assertEquals(Duration.ofSeconds(5), c.dataPath.tcSettings().plaintextIdle());
    assertEquals(io.hybridmesh.agent.datapath.TcAttach.LEGACY, c.dataPath.tcSettings().attach());
    assertEquals(1 << 20, c.dataPath.tcSettings().ringBufferBytes());
    assertFalse(c.dataPath.readTls);
    assertEquals(Duration.ofSeconds(30), parse().dataPath.tcSettings().plaintextIdle());
    assertEquals(Duration.ofMinutes(5), parse().dataPath.tlsHooks().socketsIdle());
    assertEquals(Duration.ZERO, parse("--tls-sockets-idle", "0s").dataPath.tlsHooks().socketsIdle());
    assertThrows(IllegalArgumentException.class, () -> parse("--plaintext", "maybe").dataPath.plaintextMode());
  }

  @Test
  void theEventThreadYieldsUnlessToldOtherwise() {
    assertEquals(io.hybridmesh.agent.datapath.EventThreadPriority.YIELD,
        parse().dataPath.tcSettings().eventThread());
    assertEquals(io.hybridmesh.agent.datapath.EventThreadPriority.NORMAL,
        parse("--event-thread", "normal").dataPath.tcSettings().eventThread());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--event-thread", "realtime").dataPath.tcSettings());
    assertTrue(e.getMessage().contains("yield or normal"), e.getMessage());
  }
}
