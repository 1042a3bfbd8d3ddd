package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.exchanges;
import static io.hybridmesh.agent.http2.H2Wire.feed;
import static io.hybridmesh.agent.http2.H2Wire.grpcRequest;
import static io.hybridmesh.agent.http2.H2Wire.grpcResponse;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static io.hybridmesh.agent.http2.H2Wire.trailers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.EndedConnections;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Streams still open when their connection ends or is no longer followed (closed, idle past the timeout,
 * dropped for memory or room, its TLS object reused): each yields an exchange, and a flow marked partial
 * that says why, instead of vanishing with the connection.
 */
class Http2ConnectionEndsTest {

  private static final FlowTuple CLIENT_SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 443);

  private final L7FlowAssembler assembler =
      new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
  private long ns = 1_000;

  // --- the pure core ---

  @Test
  void everyOpenStreamEndsWithTheReasonTheConnectionWasDropped() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/done", "a.test"), true);
    w.server.headers(1, response(200), true);
    w.client.headers(3, grpcRequest("/shop.Cart/Watch"), true); // a server-streaming call
    w.server.headers(3, grpcResponse(), false).data(3, 40, false);
    w.client.headers(5, request("GET", "/slow", "a.test"), true); // no answer yet
    Http2Connection c = new Http2Connection();
    assertEquals(1, exchanges(feed(c, w.done())).size(), "only stream 1 ended on the wire");

    List<Http2Exchange> cut = exchanges(c.onEnd(90_000, Http2End.CONNECTION_IDLE_EVICTED));
    assertEquals(List.of(3, 5), cut.stream().map(Http2Exchange::streamId).toList());
    for (Http2Exchange x : cut) {
      assertEquals(Http2End.CONNECTION_IDLE_EVICTED, x.end());
      assertFalse(x.end().seen());
      assertEquals(90_000, x.endNs());
    }
    Http2Exchange watch = cut.get(0);
    assertEquals("/shop.Cart/Watch", watch.request().path());
    assertEquals(200, watch.response().status());
    assertEquals(40, watch.responseBytes(), "what streamed before the drop is counted");
    assertTrue(watch.grpc());
    assertNull(watch.grpcStatus(), "the trailers never came: no status, OK least of all");
    assertNull(cut.get(1).response());
    assertEquals(0, c.openStreams());
    assertTrue(c.onEnd(91_000, Http2End.CONNECTION_CLOSED).isEmpty(), "ended once");
    assertTrue(c.onData(Direction.SENT, new byte[9], 0, 9, 9, 92_000).isEmpty(), "and nothing after");
  }

  // --- on the TLS path, to flows ---

  @Test
  void aConnectionIdleTooLongYieldsItsOpenStreamsAsPartialFlows() {
    TlsConversations conversations = new TlsConversations(8, Duration.ofNanos(50_000), Limits.DEFAULT);
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, grpcRequest("/shop.Cart/Watch"), true);
    w.server.headers(1, grpcResponse(), false).data(1, 12, false);
    feedAll(conversations, 0x77, w.done(), CLIENT_SOCKET);
    assertTrue(conversations.takeEnded().isEmpty());

    conversations.expire(ns + 60_000);
    List<Flow> flows = endedFlows(conversations);
    assertEquals(1, flows.size());
    Flow f = flows.get(0);
    assertEquals(L7FlowType.RESPONSE, f.getL7().getType());
    assertEquals("/shop.Cart/Watch", f.getL7().getHttp().getPath());
    assertEquals("shop.Cart", f.getL7().getGrpc().getService());
    assertEquals("", f.getL7().getGrpc().getStatusName(), "never a guessed OK");
    assertEquals(12, f.getL7().getHttp().getResponseBodyBytes());
    assertTrue(f.getCompleteness().getPartial(), "the stream's end was not seen");
    assertEquals("connection_idle_evicted", f.getCompleteness().getReason());
    assertEquals(ns + 60_000, f.getTime().getNanos() + f.getTime().getSeconds() * 1_000_000_000L,
        "the flow is of the moment the connection was dropped");
    assertEquals("10.1.0.2", f.getIp().getSource(), "the connection's own addresses, from its last call");
    assertEquals(4242, f.getDestination().getProcess().getPid());
    assertEquals(0, conversations.size());
  }

  @Test
  void aConnectionDroppedForRoomOrMemoryOrReplacedSaysWhich() {
    // Room: two connections at most; a third drops the least recently used.
    TlsConversations room = new TlsConversations(2, Duration.ofMinutes(1), Limits.DEFAULT);
    feedAll(room, 1, openRequest("/a"), CLIENT_SOCKET);
    feedAll(room, 2, openRequest("/b"), tuple(40001));
    feedAll(room, 3, openRequest("/c"), tuple(40002));
    assertEquals(List.of("/a connection_table_evicted"), summaries(endedFlows(room)));

    // Memory: a budget smaller than one connection drops every other HTTP/2 connection.
    TlsConversations memory = new TlsConversations(8, Duration.ofMinutes(1), Limits.DEFAULT,
        io.hybridmesh.agent.http2.Http2Limits.DEFAULT, 1);
    feedAll(memory, 1, openRequest("/a"), CLIENT_SOCKET);
    feedAll(memory, 2, openRequest("/b"), tuple(40001));
    assertEquals(List.of("/a connection_memory_evicted"), summaries(endedFlows(memory)));
    assertEquals(1, memory.http2Shed());

    // Replaced: the SSL object turns up on another connection.
    TlsConversations reused = new TlsConversations(8, Duration.ofMinutes(1), Limits.DEFAULT);
    feedAll(reused, 1, openRequest("/a"), CLIENT_SOCKET);
    feedAll(reused, 1, openRequest("/b"), tuple(40001));
    assertEquals(List.of("/a connection_replaced"), summaries(endedFlows(reused)));
  }

  @Test
  void aClosedConnectionEndsTheConversationsOfBothItsEnds() {
    TlsConversations conversations = new TlsConversations(8, Duration.ofMinutes(1), Limits.DEFAULT);
    H2Wire client = new H2Wire(Direction.SENT).handshake();
    client.client.headers(1, request("GET", "/slow", "a.test"), true);
    H2Wire server = new H2Wire(Direction.RECEIVED).handshake();
    server.client.headers(1, request("GET", "/slow", "a.test"), true);
    feedAll(conversations, 1, client.done(), CLIENT_SOCKET);
    feedAll(conversations, 2, server.done(), CLIENT_SOCKET.reversed());
    // An unrelated connection stays.
    feedAll(conversations, 3, openRequest("/other"), tuple(40009));

    // The kernel's close event, oriented from the initiator.
    conversations.connectionClosed(CLIENT_SOCKET, ns + 5);
    List<Flow> flows = endedFlows(conversations);
    assertEquals(List.of("/slow connection_closed", "/slow connection_closed"), summaries(flows));
    assertEquals(List.of("CLIENT", "SERVER"), flows.stream().map(f -> f.getReporter().name()).sorted().toList());
    assertTrue(flows.stream().allMatch(f -> f.getCompleteness().getPartial()));
    assertEquals(1, conversations.size());
    conversations.connectionClosed(CLIENT_SOCKET, ns + 6);
    assertTrue(conversations.takeEnded().isEmpty(), "nothing twice");
  }

  @Test
  void anHttp1ConnectionOrOneWithNothingOpenEndsSilently() {
    TlsConversations conversations = new TlsConversations(8, Duration.ofMinutes(1), Limits.DEFAULT);
    byte[] get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    feedAll(conversations, 1, List.of(new H2Wire.Call(Direction.SENT, get)), CLIENT_SOCKET);
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/done", "a.test"), true);
    w.server.headers(1, response(204), true);
    feedAll(conversations, 2, w.done(), tuple(40001));
    conversations.connectionClosed(CLIENT_SOCKET, ns);
    conversations.connectionClosed(tuple(40001), ns);
    assertTrue(conversations.takeEnded().isEmpty());
    assertEquals(0, conversations.size());
  }

  /** A connection's preface and one request still waiting for its answer. */
  private static List<H2Wire.Call> openRequest(String path) {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", path, "a.test"), true);
    return w.done();
  }

  private static FlowTuple tuple(int clientPort) {
    return new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, clientPort, 443);
  }

  private void feedAll(TlsConversations conversations, long ssl, List<H2Wire.Call> calls, FlowTuple tuple) {
    for (H2Wire.Call c : calls) {
      ns += 1_000;
      conversations.onEvent(new TlsEvent(c.dir() == Direction.SENT, false, 1, ns, ns + 10, ssl, 42,
          c.bytes().length, 4242, 4243, "proc", tuple, c.bytes(), c.bytes().length));
    }
  }

  /** As TlsEvents does: each ended connection's exchanges as flows of its last call. */
  private List<Flow> endedFlows(TlsConversations conversations) {
    List<Flow> out = new ArrayList<>();
    for (EndedConnections.Ended ended : conversations.takeEnded()) {
      for (Http2Event e : ended.events()) {
        if (e instanceof Http2Event.ExchangeEnded x) {
          out.add(assembler.response(ended.call(), x).flow());
        }
      }
    }
    return out;
  }

  private static List<String> summaries(List<Flow> flows) {
    return flows.stream().map(f -> f.getL7().getHttp().getPath() + " " + f.getCompleteness().getReason()).toList();
  }
}
