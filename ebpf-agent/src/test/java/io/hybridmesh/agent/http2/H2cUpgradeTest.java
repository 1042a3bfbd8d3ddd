package io.hybridmesh.agent.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.HttpConversation;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 reached by an h2c Upgrade (RFC 7540 §3.2): an HTTP/1.1 request with {@code Upgrade: h2c}, a {@code
 * 101 Switching Protocols}, then HTTP/2 whose stream 1 answers the upgraded request. The bytes are curl's
 * and a hyper-h2 server's, recorded ({@code h2c/curl-upgrade.rec}); the conversation must go on as HTTP/2
 * with full HPACK state, seen from the client's end or the server's, however the calls split the bytes.
 */
class H2cUpgradeTest {

  private static final FlowTuple SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 18092);
  /** {@code HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n} */
  private static final int SWITCHING_HEAD = 71;

  private final L7FlowAssembler assembler =
      new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
  private final List<Object> unparsed = new ArrayList<>();

  /** One recorded recv: {@code client} true for the client's bytes. */
  private record Chunk(boolean client, byte[] bytes) {}

  @Test
  void theClientsEndGoesOnAsHttp2AndStream1AnswersTheUpgradedRequest() throws IOException {
    List<Flow> flows = replay(recording(), true);
    assertTrue(unparsed.isEmpty(), unparsed.toString());
    assertEquals(List.of(
        "REQUEST GET /hello.txt HTTP/1.1 0",
        "RESPONSE GET /hello.txt HTTP/2 200",
        "REQUEST GET /missing HTTP/2 0",
        "RESPONSE GET /missing HTTP/2 404"), summaries(flows));
    Flow upgraded = flows.get(1);
    assertEquals(Reporter.CLIENT, upgraded.getReporter());
    assertEquals("127.0.0.1:18092", upgraded.getL7().getHttp().getHost());
    assertEquals("you asked for /hello.txt\n".length(), upgraded.getL7().getHttp().getResponseBodyBytes());
    assertTrue(upgraded.getL7().getLatencyNs() > 0, "paired with the HTTP/1.1 request's time");
    for (Flow f : flows) {
      assertFalse(f.hasCompleteness(), "seen from the first byte: nothing unknown: " + f);
    }
  }

  @Test
  void theServersEndLikewise() throws IOException {
    List<Flow> flows = replay(recording(), false);
    assertTrue(unparsed.isEmpty(), unparsed.toString());
    assertEquals(List.of(
        "REQUEST GET /hello.txt HTTP/1.1 0",
        "RESPONSE GET /hello.txt HTTP/2 200",
        "REQUEST GET /missing HTTP/2 0",
        "RESPONSE GET /missing HTTP/2 404"), summaries(flows));
    assertTrue(flows.stream().allMatch(f -> f.getReporter() == Reporter.SERVER));
    assertTrue(flows.stream().noneMatch(Flow::hasCompleteness));
  }

  @Test
  void everySplitOfTheCallsGivesTheSameFlows() throws IOException {
    List<Chunk> recorded = recording();
    List<String> whole = summaries(replay(recorded, true));
    for (int c = 0; c < recorded.size(); c++) {
      byte[] b = recorded.get(c).bytes();
      for (int cut = 1; cut < b.length; cut++) {
        List<Chunk> split = new ArrayList<>(recorded);
        split.set(c, new Chunk(recorded.get(c).client(), Arrays.copyOfRange(b, 0, cut)));
        split.add(c + 1, new Chunk(recorded.get(c).client(), Arrays.copyOfRange(b, cut, b.length)));
        unparsed.clear();
        assertEquals(whole, summaries(replay(split, true)), "chunk " + c + " cut at " + cut);
        assertTrue(unparsed.isEmpty(), "chunk " + c + " cut at " + cut + ": " + unparsed);
      }
    }
  }

  @Test
  void theSwitchIsWhereThe101HeadEndsAndItIsNoResponseOfItsOwn() throws IOException {
    List<Chunk> recorded = recording();
    HttpConversation c = new HttpConversation();
    List<HttpEvent> events = new ArrayList<>();
    events.addAll(c.onData(Direction.SENT, recorded.get(0).bytes(), 0, recorded.get(0).bytes().length,
        recorded.get(0).bytes().length, 1));
    byte[] switching = recorded.get(1).bytes();
    events.addAll(c.onData(Direction.RECEIVED, switching, 0, switching.length, switching.length, 2));
    assertEquals(1, events.size(), events.toString());
    assertTrue(events.get(0) instanceof HttpEvent.RequestSeen);
    HttpConversation.H2cUpgrade up = c.h2cUpgrade();
    assertNotNull(up);
    assertEquals(Direction.RECEIVED, up.serverDir());
    assertEquals(SWITCHING_HEAD, up.offset());
    assertEquals(Http2Frames.SETTINGS, Http2Frames.type(switching, up.offset()), "the server's SETTINGS");
    assertEquals("/hello.txt", up.request().target());
  }

  @Test
  void a101ToAnotherProtocolStaysATunnelAndIsReported() {
    HttpConversation c = new HttpConversation();
    byte[] req = "GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    byte[] resp = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi"
        .getBytes(StandardCharsets.ISO_8859_1);
    c.onData(Direction.SENT, req, 0, req.length, req.length, 1);
    List<HttpEvent> events = c.onData(Direction.RECEIVED, resp, 0, resp.length, resp.length, 2);
    assertNull(c.h2cUpgrade());
    assertEquals(101, ((HttpEvent.ResponseSeen) events.get(0)).response().status());
    // Nor does an h2c token elsewhere count: only the Upgrade header's list.
    HttpConversation d = new HttpConversation();
    byte[] other = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket, h2c-like\r\nX-Upgrade: h2c\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII);
    d.onData(Direction.SENT, req, 0, req.length, req.length, 1);
    d.onData(Direction.RECEIVED, other, 0, other.length, other.length, 2);
    assertNull(d.h2cUpgrade());
  }

  /** Feeds the chunks as one process's calls: the client's ({@code asClient}) or the server's. */
  private List<Flow> replay(List<Chunk> chunks, boolean asClient) {
    TlsConversations conversations = new TlsConversations(8, Duration.ofSeconds(10), Limits.DEFAULT);
    FlowTuple tuple = asClient ? SOCKET : SOCKET.reversed();
    List<Flow> out = new ArrayList<>();
    long ns = 1_000;
    for (Chunk c : chunks) {
      ns += 1_000;
      boolean write = c.client() == asClient;
      TlsEvent call = new TlsEvent(write, false, 1, ns, ns + 10, 0x55, 42, c.bytes().length, 4242, 4243, "proc",
          tuple, c.bytes(), c.bytes().length);
      for (Object e : conversations.onEvent(call)) {
        if (e instanceof HttpEvent.RequestSeen r) {
          out.add(assembler.request(call, r).flow());
        } else if (e instanceof HttpEvent.ResponseSeen r) {
          out.add(assembler.response(call, r).flow());
        } else if (e instanceof Http2Event.RequestSeen r) {
          out.add(assembler.request(call, r).flow());
        } else if (e instanceof Http2Event.ExchangeEnded x) {
          out.add(assembler.response(call, x).flow());
        } else if (e instanceof HttpEvent.Unparsed || e instanceof Http2Event.Unparsed) {
          unparsed.add(e);
        }
      }
    }
    assertEquals(1, conversations.http2Connections());
    return out;
  }

  private static List<String> summaries(List<Flow> flows) {
    return flows.stream().map(f -> (f.getL7().getType() == L7FlowType.REQUEST ? "REQUEST " : "RESPONSE ")
        + f.getL7().getHttp().getMethod() + " " + f.getL7().getHttp().getPath() + " "
        + f.getL7().getHttp().getProtocol() + " " + f.getL7().getHttp().getCode()).toList();
  }

  private static List<Chunk> recording() throws IOException {
    List<Chunk> out = new ArrayList<>();
    try (InputStream in = H2cUpgradeTest.class.getResourceAsStream("/h2c/curl-upgrade.rec")) {
      assertNotNull(in, "h2c/curl-upgrade.rec on the test classpath");
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        if (!l.isBlank() && !l.startsWith("#")) {
          out.add(new Chunk(l.charAt(0) == 'C', HexFormat.of().parseHex(l.substring(2).trim())));
        }
      }
    }
    return out;
  }
}
