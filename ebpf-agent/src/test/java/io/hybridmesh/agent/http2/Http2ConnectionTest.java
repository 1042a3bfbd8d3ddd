package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.exchanges;
import static io.hybridmesh.agent.http2.H2Wire.feed;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.requests;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.Header;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.agent.http2.Http2Event.GoAwaySeen;
import io.hybridmesh.agent.http2.Http2Event.RequestSeen;
import io.hybridmesh.agent.http2.Http2Event.Unparsed;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HTTP/2 exchanges from connections written by netty's frame writer, seen from their first byte. */
class Http2ConnectionTest {

  @Test
  void getPairedWithItsResponse() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/a?x=1", "example.com"), true);
    w.server.headers(1, response(200), false).data(1, 10, true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());

    assertEquals(Role.CLIENT, c.role());
    RequestSeen req = requests(events).get(0);
    assertEquals(Role.CLIENT, req.role());
    Http2Request r = req.request();
    assertEquals(1, r.streamId());
    assertEquals("GET", r.method());
    assertEquals("/a?x=1", r.path());
    assertEquals("example.com", r.authority());
    assertEquals("https", r.scheme());
    assertNull(r.unknown());
    assertTrue(r.headers().contains(new Header("user-agent", "h2wire/1")), r.headers()::toString);
    assertFalse(r.grpc());

    Http2Exchange x = exchanges(events).get(0);
    assertEquals(r, x.request());
    assertEquals(200, x.response().status());
    assertTrue(x.response().headers().contains(new Header("content-type", "text/plain")));
    assertTrue(x.requestComplete());
    assertEquals(0, x.requestBytes());
    assertEquals(10, x.responseBytes());
    assertEquals(Http2End.COMPLETE, x.end());
    assertEquals(x.response().startNs() - r.startNs(), x.latencyNs());
    assertTrue(x.latencyNs() > 0);
    assertEquals(x.endNs() - r.startNs(), x.durationNs());
    assertNull(x.grpcStatus());
    assertEquals(-1, x.errorCode());
    assertTrue(c.hpackComplete(Direction.SENT));
    assertTrue(c.hpackComplete(Direction.RECEIVED));
    assertEquals(0, c.openStreams());
    assertNoDrops(c);
  }

  @Test
  void theServerSideSeesItselfAsServer() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, request("POST", "/upload", "h"), false).data(1, 100, false).data(1, 23, true);
    w.server.headers(1, response(201), true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());
    assertEquals(Role.SERVER, c.role());
    Http2Exchange x = exchanges(events).get(0);
    assertEquals(123, x.requestBytes());
    assertEquals(201, x.response().status());
    assertNoDrops(c);
  }

  @Test
  void manyConcurrentStreamsPairByStream() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    int n = 60;
    for (int i = 0; i < n; i++) {
      w.client.headers(1 + 2 * i, request(i % 2 == 0 ? "GET" : "DELETE", "/item/" + i, "api.example.com"), true);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new java.util.Random(5));
    for (int i : order) {
      w.server.headers(1 + 2 * i, response(200 + i % 5), false);
    }
    for (int i : order) {
      w.server.data(1 + 2 * i, i, false).data(1 + 2 * i, 1, true);
    }
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(n, xs.size());
    for (Http2Exchange x : xs) {
      int i = (x.streamId() - 1) / 2;
      assertEquals("/item/" + i, x.request().path());
      assertEquals(200 + i % 5, x.response().status());
      assertEquals(i + 1, x.responseBytes());
    }
    assertNoDrops(c);
  }

  @Test
  void continuationPaddingPriorityAndSkippedFrames() throws Exception {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    Http2Headers big = request("GET", "/long/" + "p".repeat(300), "example.com").add("x-request-id", "abc-123");
    w.client.headersInPieces(1, big, true, 7);
    w.client.ping(7).windowUpdate(0, 1000).priority(3, 1).unknownFrame(0).unknownFrame(1);
    w.client.headersWithPriority(3, request("GET", "/p", "example.com"), 30, false).data(3, 50, 77, true);
    w.server.headersInPieces(1, response(200), false, 3);
    w.server.data(1, 5, 255, true);
    w.server.headers(3, response(404), 12, false).data(3, 0, 0, true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(2, xs.size());
    assertEquals("/long/" + "p".repeat(300), xs.get(0).request().path());
    assertTrue(xs.get(0).request().headers().contains(new Header("x-request-id", "abc-123")));
    assertEquals(5, xs.get(0).responseBytes());
    assertEquals("/p", xs.get(1).request().path());
    assertEquals(50, xs.get(1).requestBytes());
    assertEquals(404, xs.get(1).response().status());
    assertNoDrops(c);
  }

  @Test
  void trailersEndTheExchangeNotTheFirstHeaders() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/stream", "h"), true);
    w.server.headers(1, response(200), false);
    w.client.windowUpdate(0, 100);
    w.server.data(1, 10, false);
    w.client.windowUpdate(0, 100);
    w.server.headers(1, new DefaultHttp2Headers().add("x-checksum", "1"), true);
    Http2Connection c = new Http2Connection();
    List<H2Wire.Call> calls = w.done();
    List<Http2Event> events = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      List<Http2Event> got = feed(c, List.of(calls.get(i)));
      if (i < calls.size() - 1) {
        assertTrue(exchanges(got).isEmpty(), "ended early at call " + i);
      }
      events.addAll(got);
    }
    Http2Exchange x = exchanges(events).get(0);
    assertEquals(Http2End.COMPLETE, x.end());
    assertEquals(200, x.response().status());
    assertEquals(10, x.responseBytes());
  }

  @Test
  void interimResponseIsNotTheFinalOne() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("POST", "/big", "h").add("expect", "100-continue"), false);
    w.server.headers(1, new DefaultHttp2Headers().status("100"), false);
    w.client.data(1, 1000, true);
    w.server.headers(1, response(200), true);
    List<Http2Exchange> xs = exchanges(feed(new Http2Connection(), w.done()));
    assertEquals(1, xs.size());
    assertEquals(200, xs.get(0).response().status());
    assertEquals(1000, xs.get(0).requestBytes());
  }

  @Test
  void resetGoAwayAndClose() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    for (int s = 1; s <= 9; s += 2) {
      w.client.headers(s, request("GET", "/" + s, "h"), true);
    }
    w.client.rst(1, 0x8); // cancel
    w.server.headers(3, response(200), false);
    w.server.rst(3, 0x2); // internal error
    w.server.goAway(5, 0x0);
    w.server.headers(5, response(204), true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = new ArrayList<>(feed(c, w.done()));
    assertEquals(0, c.openStreams()); // 1 and 3 reset, 7 and 9 refused, 5 complete
    events.addAll(c.onClose(99_000));
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(List.of(1, 3, 7, 9, 5), xs.stream().map(Http2Exchange::streamId).toList());
    assertEquals(Http2End.RESET_BY_CLIENT, xs.get(0).end());
    assertEquals(8, xs.get(0).errorCode());
    assertEquals("CANCEL", xs.get(0).errorName());
    assertNull(xs.get(0).response());
    assertEquals(Http2End.RESET_BY_SERVER, xs.get(1).end());
    assertEquals(200, xs.get(1).response().status());
    assertEquals(Http2End.REFUSED_BY_GOAWAY, xs.get(2).end());
    assertEquals(Http2End.REFUSED_BY_GOAWAY, xs.get(3).end());
    assertEquals(Http2End.COMPLETE, xs.get(4).end());
    assertTrue(events.stream().anyMatch(e -> e instanceof GoAwaySeen g && g.lastStreamId() == 5
        && g.direction() == Direction.RECEIVED));
    assertEquals(0, c.openStreams());
    assertTrue(c.onData(Direction.SENT, new byte[9], 0, 9, 9, 1).isEmpty(), "closed");
  }

  @Test
  void closeReportsOpenStreams() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/slow", "h"), true);
    w.server.headers(1, response(200), false).data(1, 3, false);
    Http2Connection c = new Http2Connection();
    feed(c, w.done());
    List<Http2Exchange> xs = exchanges(c.onClose(50_000));
    assertEquals(1, xs.size());
    assertEquals(Http2End.CONNECTION_CLOSED, xs.get(0).end());
    assertTrue(xs.get(0).requestComplete());
    assertEquals(3, xs.get(0).responseBytes());
    assertEquals(200, xs.get(0).response().status());
  }

  @Test
  void serverPushIsARequestOfItsOwn() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/index.html", "h"), true);
    w.server.pushPromise(1, 2, request("GET", "/style.css", "h"));
    w.server.headers(1, response(200), false).data(1, 100, true);
    w.server.headers(2, response(200), false).data(2, 40, true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());
    List<RequestSeen> reqs = requests(events);
    assertEquals(2, reqs.size());
    assertTrue(reqs.get(1).request().pushed());
    assertEquals("/style.css", reqs.get(1).request().path());
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(2, xs.get(1).streamId());
    assertEquals(40, xs.get(1).responseBytes());
    assertNoDrops(c);
  }

  @Test
  void neverIndexedValuesAreNotListed() {
    H2Wire w = new H2Wire(Direction.SENT, true, (name, value) -> name.toString().equals("user-agent")
        || name.toString().equals("authorization")).handshake();
    w.client.headers(1, request("GET", "/", "h").add("authorization", "Bearer secret"), true);
    w.server.headers(1, response(200), true);
    Http2Request r = requests(feed(new Http2Connection(), w.done())).get(0).request();
    assertEquals("/", r.path());
    assertTrue(r.headers().stream().noneMatch(h -> h.name().equals("user-agent")), r.headers()::toString);
    assertTrue(r.headers().stream().noneMatch(h -> h.value().contains("secret")));
  }

  @Test
  void streamLimitDropsAndCounts() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    for (int s = 1; s <= 11; s += 2) {
      w.client.headers(s, request("GET", "/" + s, "h"), true);
    }
    for (int s = 1; s <= 11; s += 2) {
      w.server.headers(s, response(200), true);
    }
    Http2Limits small = new Http2Limits(4096, 8, 4096, 4, 256, 128, 4, 128);
    Http2Connection c = new Http2Connection(small);
    List<Http2Event> events = feed(c, w.done());
    assertEquals(4, requests(events).size());
    assertEquals(2, c.drops(Http2Drop.STREAM_LIMIT));
    List<Http2Exchange> xs = exchanges(events);
    // The first four pair; the responses of the two dropped streams come without their request.
    assertEquals(6, xs.size());
    assertEquals(4, xs.stream().filter(x -> x.request() != null).count());
    assertTrue(c.retainedBytes() <= small.maxRetainedBytes());
  }

  @Test
  void noUnparsedOnACleanConnectionEvenByteByByte() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, request("GET", "/x", "h"), true);
    w.server.headers(1, response(200), false).data(1, 64, 9, true);
    Http2Connection c = new Http2Connection();
    long ts = 0;
    List<Http2Event> events = new ArrayList<>();
    for (H2Wire.Call call : w.done()) {
      for (byte b : call.bytes()) {
        events.addAll(c.onData(call.dir(), new byte[] {b}, 0, 1, 1, ts++));
      }
    }
    assertTrue(events.stream().noneMatch(e -> e instanceof Unparsed), events::toString);
    assertEquals(1, exchanges(events).size());
    assertEquals(64, exchanges(events).get(0).responseBytes());
  }

  static void assertNoDrops(Http2Connection c) {
    for (Http2Drop d : Http2Drop.values()) {
      assertEquals(0, c.drops(d), d.name());
    }
    assertEquals(0, c.bytesIgnored());
  }
}
