package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.grpcRequest;
import static io.hybridmesh.agent.http2.H2Wire.grpcResponse;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static io.hybridmesh.agent.http2.H2Wire.trailers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TlsEvent;
import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.HttpEvent;
import io.hybridmesh.agent.http.Limits;
import io.hybridmesh.agent.l7.L7FlowAssembler;
import io.hybridmesh.agent.l7.TlsConversations;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 on the TLS path: {@link TlsConversations} picks the parser per connection, and {@link
 * L7FlowAssembler} turns its events into REQUEST and RESPONSE flows as it does HTTP/1.x's. The calls are
 * what netty's HTTP/2 client and server write (HPACK with Huffman and the dynamic table).
 */
class Http2TlsFlowsTest {

  private static final FlowTuple CLIENT_SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 443);
  private static final FlowTuple SERVER_SOCKET =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.SERVER_IP, Events.CLIENT_IP, 443, 40000);

  private final TlsConversations conversations = new TlsConversations(8, Duration.ofSeconds(10), Limits.DEFAULT);
  private final L7FlowAssembler assembler =
      new L7FlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
  private final List<Object> unparsed = new ArrayList<>();
  private long ns = 1_000;

  /** As TlsEvents dispatches: each call through the conversations, each event to a flow. */
  private List<Flow> flows(List<H2Wire.Call> calls, FlowTuple tuple) {
    return flows(conversations, 0x77, calls, tuple);
  }

  private List<Flow> flows(TlsConversations conversations, long ssl, List<H2Wire.Call> calls, FlowTuple tuple) {
    List<Flow> out = new ArrayList<>();
    for (H2Wire.Call c : calls) {
      ns += 1_000;
      TlsEvent call = new TlsEvent(c.dir() == Direction.SENT, false, 1, ns, ns + 10, ssl, 42, c.bytes().length,
          4242, 4243, "proc", tuple, c.bytes(), c.bytes().length);
      for (Object e : conversations.onEvent(call)) {
        if (e instanceof Http2Event.RequestSeen r) {
          out.add(assembler.request(call, r).flow());
        } else if (e instanceof Http2Event.ExchangeEnded x) {
          out.add(assembler.response(call, x).flow());
        } else if (e instanceof HttpEvent || e instanceof Http2Event.Unparsed) {
          unparsed.add(e);
        }
      }
    }
    return out;
  }

  @Test
  void clientPrefaceSelectsHttp2AndTwoRequestsOnOneConnectionBecomeFourFlows() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/items?page=2", "shop.test"), true);
    w.server.headers(1, response(200), false).data(1, 10, true);
    w.client.headers(3, request("DELETE", "/items/7", "shop.test"), true);
    w.server.headers(3, response(404), true);

    List<Flow> f = flows(w.done(), CLIENT_SOCKET);

    assertEquals(1, conversations.http2Connections());
    assertTrue(unparsed.isEmpty(), unparsed.toString());
    assertEquals(4, f.size());
    Flow req = f.get(0);
    assertEquals(L7FlowType.REQUEST, req.getL7().getType());
    assertEquals("HTTP/2", req.getL7().getHttp().getProtocol());
    assertEquals("GET", req.getL7().getHttp().getMethod());
    assertEquals("/items", req.getL7().getHttp().getPath());
    assertEquals("https://shop.test/items?page=2", req.getL7().getHttp().getUrl());
    assertEquals("shop.test", req.getL7().getHttp().getHost());
    assertEquals("h2wire/1", req.getL7().getHttp().getUserAgent());
    assertEquals(Reporter.CLIENT, req.getReporter());
    assertEquals(TrafficDirection.EGRESS, req.getTrafficDirection());
    assertEquals(ObservationPoint.SSL_WRITE, req.getObservationPoint());
    assertEquals("10.1.0.1", req.getIp().getSource());
    assertFalse(req.getL7().hasGrpc());
    assertFalse(req.hasCompleteness());

    Flow resp = f.get(1);
    assertEquals(L7FlowType.RESPONSE, resp.getL7().getType());
    assertEquals(200, resp.getL7().getHttp().getCode());
    assertEquals("GET", resp.getL7().getHttp().getMethod(), "responses repeat the request");
    assertEquals("/items", resp.getL7().getHttp().getPath());
    assertEquals("HTTP/2", resp.getL7().getHttp().getProtocol());
    assertEquals(10, resp.getL7().getHttp().getResponseBodyBytes());
    assertTrue(resp.getL7().getLatencyNs() > 0);
    assertTrue(resp.getIsReply().getValue());
    assertEquals("10.1.0.2", resp.getIp().getSource(), "the response comes from the server");
    assertEquals(ObservationPoint.SSL_READ, resp.getObservationPoint());
    assertFalse(resp.hasCompleteness());

    assertEquals("DELETE", f.get(2).getL7().getHttp().getMethod());
    assertEquals("/items/7", f.get(3).getL7().getHttp().getPath());
    assertEquals(404, f.get(3).getL7().getHttp().getCode());
  }

  @Test
  void serverSideWithThePrefaceSplitAcrossReads() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, request("POST", "/upload", "api.test"), false).data(1, 100, true);
    w.server.headers(1, response(201), true);
    List<H2Wire.Call> calls = new ArrayList<>(w.done());
    byte[] first = calls.remove(0).bytes(); // the preface and the client's SETTINGS
    calls.add(0, new H2Wire.Call(Direction.RECEIVED, Arrays.copyOfRange(first, 0, 5)));
    calls.add(1, new H2Wire.Call(Direction.RECEIVED, Arrays.copyOfRange(first, 5, 20)));
    calls.add(2, new H2Wire.Call(Direction.RECEIVED, Arrays.copyOfRange(first, 20, first.length)));

    List<Flow> f = flows(calls, SERVER_SOCKET);

    assertEquals(1, conversations.http2Connections());
    assertTrue(unparsed.isEmpty(), unparsed.toString());
    assertEquals(2, f.size());
    assertEquals(Reporter.SERVER, f.get(0).getReporter());
    assertEquals(TrafficDirection.INGRESS, f.get(0).getTrafficDirection());
    assertEquals(ObservationPoint.SSL_READ, f.get(0).getObservationPoint());
    assertEquals("10.1.0.1", f.get(0).getIp().getSource(), "the request comes from the client");
    assertEquals("POST", f.get(0).getL7().getHttp().getMethod());
    assertEquals("api.test", f.get(0).getL7().getHttp().getHost());
    assertEquals(201, f.get(1).getL7().getHttp().getCode());
    assertEquals(100, f.get(1).getL7().getHttp().getRequestBodyBytes());
    assertEquals(ObservationPoint.SSL_WRITE, f.get(1).getObservationPoint());
    assertEquals(4242, f.get(1).getSource().getProcess().getPid(), "the local process answered");
  }

  @Test
  void aServerThatSpeaksFirstIsKnownByItsSettings() {
    H2Wire w = new H2Wire(Direction.RECEIVED);
    w.server.settings(new Http2Settings().maxConcurrentStreams(128));
    w.client.bytes(Http2Frames.PREFACE).settings(new Http2Settings()).settingsAck();
    w.client.headers(1, request("GET", "/", "a.test"), true);
    w.server.settingsAck().headers(1, response(204), true);

    List<Flow> f = flows(w.done(), SERVER_SOCKET);

    assertEquals(1, conversations.http2Connections());
    assertEquals(2, f.size());
    assertEquals("GET", f.get(1).getL7().getHttp().getMethod());
    assertEquals(204, f.get(1).getL7().getHttp().getCode());
  }

  @Test
  void grpcCallHasItsRecordBesideHttp() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, grpcRequest("/shop.v1.Catalog/GetItem"), false).data(1, 12, true);
    w.server.headers(1, grpcResponse(), false).headers(1, trailers(5, "no item 7%21"), true);

    List<Flow> f = flows(w.done(), CLIENT_SOCKET);

    assertEquals(2, f.size());
    Flow req = f.get(0);
    assertEquals("POST", req.getL7().getHttp().getMethod());
    assertEquals("/shop.v1.Catalog/GetItem", req.getL7().getHttp().getPath());
    assertEquals("shop.v1.Catalog", req.getL7().getGrpc().getService());
    assertEquals("GetItem", req.getL7().getGrpc().getMethod());
    assertEquals("", req.getL7().getGrpc().getStatusName(), "no status on a request");
    Flow resp = f.get(1);
    assertEquals(200, resp.getL7().getHttp().getCode());
    assertEquals("HTTP/2", resp.getL7().getHttp().getProtocol());
    assertEquals("shop.v1.Catalog", resp.getL7().getGrpc().getService());
    assertEquals("GetItem", resp.getL7().getGrpc().getMethod());
    assertEquals(5, resp.getL7().getGrpc().getStatusCode());
    assertEquals("NOT_FOUND", resp.getL7().getGrpc().getStatusName());
    assertEquals("no item 7!", resp.getL7().getGrpc().getMessage());
  }

  @Test
  void aConnectionFirstSeenMidStreamGivesWhatIsKnownAndSaysWhy() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    for (int s = 1; s <= 9; s += 2) {
      w.client.headers(s, request("GET", "/a", "example.com"), true);
      w.server.headers(s, response(200), false).data(s, 10, true);
    }
    int skip = w.done().size();
    w.client.headers(11, request("GET", "/a", "example.com"), true);
    w.server.headers(11, response(200), false).data(11, 10, true);
    List<H2Wire.Call> calls = w.done();

    List<Flow> f = flows(calls.subList(skip, calls.size()), CLIENT_SOCKET);

    assertEquals(1, conversations.http2Connections(), "frames, not HTTP/1.x");
    assertEquals(2, f.size());
    Flow req = f.get(0);
    assertEquals("GET", req.getL7().getHttp().getMethod(), "from the static table");
    assertEquals("", req.getL7().getHttp().getPath(), "a dynamic-table entry from before we looked");
    assertEquals("hpack_state_missed", req.getCompleteness().getReason());
    Flow resp = f.get(1);
    assertEquals(200, resp.getL7().getHttp().getCode());
    assertEquals("hpack_state_missed (request), hpack_state_missed (response)", resp.getCompleteness().getReason(),
        "the response's other headers were dynamic-table references too; :status 200 is static");
    assertFalse(resp.getCompleteness().getPartial(), "request and response were both seen");
  }

  @Test
  void http2ConnectionsTogetherStayWithinTheirBudgetAndHttp1IsLeftAlone() {
    TlsConversations tight = new TlsConversations(8, Duration.ofSeconds(10), Limits.DEFAULT, Http2Limits.DEFAULT, 1);
    byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    tight.onEvent(new TlsEvent(true, false, 1, 1, 2, 0x1, 0, get.length, 1, 1, "c", CLIENT_SOCKET, get, get.length));
    for (long ssl = 0x10; ssl < 0x13; ssl++) {
      H2Wire w = new H2Wire(Direction.SENT).handshake();
      w.client.headers(1, request("GET", "/", "a.test"), true);
      assertEquals(1, flows(tight, ssl, w.done(), CLIENT_SOCKET).size());
    }
    assertEquals(3, tight.http2Connections());
    assertEquals(2, tight.http2Shed(), "each new one pushed the one before out");
    assertEquals(2, tight.size(), "the last HTTP/2 connection and the HTTP/1.x one");
    assertTrue(tight.http2Bytes() > 0);
    assertEquals(0, conversations.http2Shed());
  }

  @Test
  void anHttp1ConversationThatMeetsThePrefaceHandsTheSameCallToHttp2() {
    // A request first, then the HTTP/2 preface on the same connection: the HTTP/1.x parser's "not parsed
    // yet" path; the call that carried the preface goes to an HTTP/2 parser, and nothing is reported lost.
    byte[] get = "GET /first HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    List<?> first = conversations.onEvent(
        new TlsEvent(true, false, 1, 1, 2, 0x77, 0, get.length, 1, 1, "c", CLIENT_SOCKET, get, get.length));
    assertInstanceOf(HttpEvent.RequestSeen.class, first.get(0));
    assertEquals(0, conversations.http2Connections());

    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/second", "a.test"), true);
    w.server.headers(1, response(200), true);
    List<Flow> f = flows(w.done(), CLIENT_SOCKET);

    assertEquals(1, conversations.http2Connections());
    assertTrue(unparsed.isEmpty(), "the HTTP/1.x parser's \"not parsed yet\" is not passed on: " + unparsed);
    assertEquals(2, f.size());
    assertEquals("/second", f.get(0).getL7().getHttp().getPath());
    assertEquals("HTTP/2", f.get(1).getL7().getHttp().getProtocol());
    assertEquals(200, f.get(1).getL7().getHttp().getCode());
    assertFalse(f.get(1).hasCompleteness(), "the HTTP/2 parser saw the preface: all known");
  }

  @Test
  void firstBytesTooFewToTellAreFedAsTheyCameWhenTheOtherSideSpeaks() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, request("GET", "/x", "a.test"), true);
    w.server.headers(1, response(200), true);
    List<H2Wire.Call> calls = new ArrayList<>(w.done());
    byte[] first = calls.remove(0).bytes();
    // Three bytes of the preface, then the server's SETTINGS (it speaks first), then the rest.
    calls.add(0, new H2Wire.Call(Direction.RECEIVED, Arrays.copyOfRange(first, 0, 3)));
    H2Wire.Call serverSettings = calls.remove(1);
    calls.add(1, serverSettings);
    calls.add(2, new H2Wire.Call(Direction.RECEIVED, Arrays.copyOfRange(first, 3, first.length)));

    List<Flow> f = flows(calls, SERVER_SOCKET);

    assertEquals(1, conversations.http2Connections());
    assertTrue(unparsed.isEmpty(), unparsed.toString());
    assertEquals(2, f.size());
    assertEquals("/x", f.get(1).getL7().getHttp().getPath());
    assertFalse(f.get(1).hasCompleteness());
  }

  @Test
  void http1StaysHttp1() {
    byte[] get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    List<?> events = conversations.onEvent(
        new TlsEvent(true, false, 1, 1, 2, 0x99, 0, get.length, 1, 1, "c", CLIENT_SOCKET, get, get.length));
    assertInstanceOf(HttpEvent.RequestSeen.class, events.get(0));
    assertEquals(0, conversations.http2Connections());
  }
}
