package io.hybridmesh.agent.http;

import static io.hybridmesh.agent.http.Wire.byteByByte;
import static io.hybridmesh.agent.http.Wire.received;
import static io.hybridmesh.agent.http.Wire.request;
import static io.hybridmesh.agent.http.Wire.response;
import static io.hybridmesh.agent.http.Wire.sent;
import static io.hybridmesh.agent.http.Wire.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.HttpEvent.RequestSeen;
import io.hybridmesh.agent.http.HttpEvent.ResponseSeen;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpConversationTest {

  private final HttpConversation c = new HttpConversation();

  private static final String GET =
      "GET /items?id=7 HTTP/1.1\r\nHost: api.example\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n";
  private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

  @Test
  void clientSideGetAndResponse() {
    List<HttpEvent> req = sent(c, GET, 1_000);
    assertEquals(1, req.size());
    RequestSeen r = request(req.get(0));
    assertEquals(Role.CLIENT, r.role());
    HttpRequestHead h = r.request();
    assertEquals("GET", h.method());
    assertEquals("/items?id=7", h.target());
    assertEquals("api.example", h.host());
    assertEquals("HTTP/1.1", h.protocol());
    assertEquals(List.of(new Header("host", "api.example"), new Header("user-agent", "curl/8")),
        h.headers());
    assertEquals(1_000, h.startNs());

    List<HttpEvent> resp = received(c, OK, 4_500);
    assertEquals(1, resp.size());
    ResponseSeen s = response(resp.get(0));
    assertEquals(200, s.response().status());
    assertEquals("HTTP/1.1", s.response().protocol());
    assertEquals(List.of(new Header("content-length", "5")), s.response().headers());
    assertSame(h, s.request());
    assertEquals(3_500, s.latencyNs());
    assertEquals(Role.CLIENT, s.role());
    assertEquals(Role.CLIENT, c.role());
    assertEquals(5, c.bytesSkipped());
    assertEquals(0, c.pendingRequests());
  }

  @Test
  void serverSideReceivesRequestAndSendsResponse() {
    assertEquals(Role.SERVER, request(received(c, GET, 10).get(0)).role());
    ResponseSeen s = response(sent(c, OK, 70).get(0));
    assertEquals(Role.SERVER, s.role());
    assertEquals(60, s.latencyNs());
    assertEquals("/items?id=7", s.request().target());
    assertEquals(Role.SERVER, c.role());
  }

  @Test
  void keepAliveCarriesSeveralExchanges() {
    String[] reqs = {
      "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody",
      "DELETE /c/1 HTTP/1.1\r\nHost: h\r\n\r\n"
    };
    int[] statuses = {200, 201, 204};
    List<String> methods = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpRequestHead r = request(sent(c, reqs[i], 100 * i).get(0)).request();
      String resp = "HTTP/1.1 " + statuses[i] + " X\r\nContent-Length: " + (i == 2 ? 0 : 2)
          + "\r\n\r\n" + (i == 2 ? "" : "ok");
      ResponseSeen s = response(received(c, resp, 100 * i + 7).get(0));
      assertSame(r, s.request());
      methods.add(s.request().method() + " " + s.request().target());
      assertEquals(statuses[i], s.response().status());
      assertEquals(7, s.latencyNs());
    }
    assertEquals(List.of("GET /a", "POST /b", "DELETE /c/1"), methods);
    assertEquals(8, c.bytesSkipped());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void pipelinedResponsesPairInOrder() {
    List<HttpEvent> reqs = sent(c, "GET /1 HTTP/1.1\r\n\r\nHEAD /2 HTTP/1.1\r\n\r\n"
        + "PUT /3 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 1);
    assertEquals(3, reqs.size());
    assertEquals(3, c.pendingRequests());
    List<HttpEvent> resps = received(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        + "HTTP/1.1 200 OK\r\nContent-Length: 9999\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 50);
    assertEquals(3, resps.size());
    for (int i = 0; i < 3; i++) {
      assertSame(request(reqs.get(i)).request(), response(resps.get(i)).request());
    }
    assertEquals("/3", response(resps.get(2)).request().target());
    assertEquals(0, c.pendingRequests());
  }

  @Test
  void requestSplitIntoOneByteWrites() {
    List<HttpEvent> events = byteByByte(c, Direction.SENT, GET, 42);
    assertEquals(1, events.size());
    assertEquals(shape(sent(new HttpConversation(), GET, 42).get(0)), shape(events.get(0)));
    assertEquals(42, request(events.get(0)).request().startNs());
  }

  @Test
  void responseSplitAcrossCalls() {
    sent(c, GET, 0);
    assertTrue(received(c, "HTTP/1.1 200 OK\r\nContent-Le", 10).isEmpty());
    assertTrue(received(c, "ngth: 5\r\n\r", 20).isEmpty());
    List<HttpEvent> e = received(c, "\nhel", 30);
    assertEquals(1, e.size());
    assertEquals(10, response(e.get(0)).latencyNs());
    assertEquals(10, response(e.get(0)).response().startNs());
    assertTrue(received(c, "lo", 40).isEmpty());
    assertEquals(1, sent(c, GET, 50).size());
  }

  @Test
  void contentLengthBodyIsSkippedAndNeverReported() {
    String body = "SECRET-BODY HTTP/1.1 500 Oops\r\n\r\nGET /fake HTTP/1.1\r\n\r\n";
    List<HttpEvent> all = new ArrayList<>(sent(c, "POST /p HTTP/1.1\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body, 0));
    all.addAll(received(c, "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n"
        + body, 5));
    assertEquals(2, all.size());
    assertFalse(all.toString().contains("SECRET"));
    assertFalse(all.toString().contains("fake"));
    assertEquals(2L * body.length(), c.bytesSkipped());
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailers() {
    sent(c, "POST /up HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
        + "5;name=val\r\nhello\r\n1a ; x=\"y\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
        + "0;last\r\nX-Checksum: 1\r\nAuthorization: trailer-secret\r\n\r\n", 0);
    List<HttpEvent> next = sent(c, "GET /after HTTP/1.1\r\n\r\n", 1);
    assertEquals("/after", request(next.get(0)).request().target());
    String resp = "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n"
        + "A\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n";
    List<HttpEvent> e = byteByByte(c, Direction.RECEIVED, resp + resp, 3);
    assertEquals(2, e.size());
    assertEquals("/up", response(e.get(0)).request().target());
    assertEquals("/after", response(e.get(1)).request().target());
    assertFalse(e.toString().contains("trailer-secret"));
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void headResponseHasNoBodyDespiteContentLength() {
    sent(c, "HEAD /big HTTP/1.1\r\n\r\nGET /next HTTP/1.1\r\n\r\n", 0);
    List<HttpEvent> e = received(c, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 1);
    assertEquals(2, e.size());
    assertEquals("HEAD", response(e.get(0)).request().method());
    assertEquals(404, response(e.get(1)).response().status());
    assertEquals(0, c.bytesSkipped());
  }

  @ParameterizedTest
  @ValueSource(ints = {204, 304, 102, 103})
  void statusesWithoutBody(int status) {
    sent(c, "GET /x HTTP/1.1\r\n\r\n", 0);
    List<HttpEvent> e = received(c, "HTTP/1.1 " + status + " S\r\nContent-Length: 50\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 1);
    assertEquals(2, e.size());
    assertEquals(status, response(e.get(0)).response().status());
    assertEquals(200, response(e.get(1)).response().status());
    assertEquals(status < 200 ? "/x" : null,
        response(e.get(1)).request() == null ? null : response(e.get(1)).request().target());
  }

  @Test
  void continueThenFinalResponse() {
    HttpRequestHead post = request(sent(c, "POST /form HTTP/1.1\r\nExpect: 100-continue\r\n"
        + "Content-Length: 5\r\n\r\n", 0).get(0)).request();
    ResponseSeen cont = response(received(c, "HTTP/1.1 100 Continue\r\n\r\n", 10).get(0));
    assertEquals(100, cont.response().status());
    assertSame(post, cont.request());
    assertEquals(1, c.pendingRequests());
    assertTrue(sent(c, "hello", 20).isEmpty());
    ResponseSeen fin = response(received(c, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n",
        30).get(0));
    assertSame(post, fin.request());
    assertEquals(30, fin.latencyNs());
    assertEquals(0, c.pendingRequests());
  }

  @Test
  void bodyUntilCloseSkipsEverythingAfter() {
    sent(c, "GET /stream HTTP/1.0\r\n\r\n", 0);
    assertEquals(1, received(c, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nabc", 1).size());
    assertTrue(received(c, "HTTP/1.1 200 OK\r\n\r\nnot a response", 2).isEmpty());
    assertEquals(3 + 33, c.bytesSkipped());
    assertTrue(c.onClose(3).isEmpty());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void switchingProtocolsStopsParsing() {
    sent(c, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 0);
    assertEquals(101, response(received(c, "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n\r\n\u0081\u0005hello", 1).get(0)).response().status());
    assertTrue(sent(c, "\u0082\u0003abc GET / HTTP/1.1\r\n\r\n", 2).isEmpty());
    assertTrue(received(c, "HTTP/1.1 200 OK\r\n\r\n", 3).isEmpty());
    assertTrue(c.onClose(4).isEmpty());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void connectTunnelStopsOnSuccessOnly() {
    sent(c, "CONNECT db:5432 HTTP/1.1\r\n\r\n", 0);
    ResponseSeen denied = response(received(c, "HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n", 1)
        .get(0));
    assertEquals("db:5432", denied.request().host());
    assertEquals(1, sent(c, "CONNECT db:5432 HTTP/1.1\r\nProxy-Authorization: x\r\n\r\n", 2).size());
    assertEquals(1, received(c, "HTTP/1.1 200 Connection established\r\n\r\n", 3).size());
    assertTrue(sent(c, "\u0016\u0003\u0001 binary tls", 4).isEmpty());
    assertTrue(received(c, "junk", 5).isEmpty());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void http2PrefaceIsReportedOnceThenIgnored() {
    List<HttpEvent> e = sent(c, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0012\u0004", 0);
    assertEquals(1, e.size());
    assertEquals("HTTP/2 is not parsed yet", Wire.unparsed(e.get(0)).reason());
    assertTrue(received(c, "\u0000\u0000\u0000\u0004\u0001", 1).isEmpty());
    assertTrue(sent(c, "GET / HTTP/1.1\r\n\r\n", 2).isEmpty());
    assertEquals(1, c.unparsedCount());
  }

  @Test
  void binaryJunkIsReportedOnce() {
    byte[] junk = {0x16, 0x03, 0x01, 0x02, 0x00, (byte) 0xff, 0x10};
    List<HttpEvent> e = c.onData(Direction.RECEIVED, junk, 0, junk.length, 100, 0);
    assertEquals(1, e.size());
    assertEquals("not HTTP/1.x", Wire.unparsed(e.get(0)).reason());
    assertEquals(100, Wire.unparsed(e.get(0)).bytes());
    assertTrue(c.onData(Direction.RECEIVED, junk, 0, junk.length, junk.length, 1).isEmpty());
    assertEquals(107, c.bytesIgnored());
    assertTrue(c.onClose(2).isEmpty());
  }

  @Test
  void responseWithoutRequest() {
    ResponseSeen s = response(received(c, OK, 9).get(0));
    assertNull(s.request());
    assertEquals(0, s.latencyNs());
    assertEquals(Role.CLIENT, s.role());
    assertEquals(Role.CLIENT, c.role());
    assertEquals(Role.CLIENT, request(sent(c, GET, 10).get(0)).role());
  }

  @Test
  void headerAllowListDropsSecretsAndUnknowns() {
    HttpRequestHead h = request(sent(c, "POST /login HTTP/1.1\r\nHOST: h1\r\n"
        + "Authorization: Bearer sekrit1\r\nCookie: sid=sekrit2\r\nProxy-Authorization: sekrit3\r\n"
        + "X-Api-Key: sekrit4\r\nContent-Type: application/json\r\nX-Request-ID: r-1\r\n"
        + "traceparent: 00-abc-def-01\r\nContent-LENGTH: 2\r\n\r\n{}", 0).get(0)).request();
    assertEquals(List.of(new Header("host", "h1"), new Header("content-type", "application/json"),
        new Header("x-request-id", "r-1"), new Header("traceparent", "00-abc-def-01"),
        new Header("content-length", "2")), h.headers());
    ResponseSeen s = response(received(c, "HTTP/1.1 200 OK\r\nSet-Cookie: sid=sekrit5\r\n"
        + "content-length: 0\r\n\r\n", 1).get(0));
    assertEquals(List.of(new Header("content-length", "0")), s.response().headers());
    assertFalse((h + " " + s).contains("sekrit"));
  }

  @Test
  void absoluteTargetGivesHostWithoutUserinfo() {
    HttpRequestHead h = request(sent(c, "GET http://u:pw@proxy.example:8080/x HTTP/1.1\r\n\r\n", 0)
        .get(0)).request();
    assertEquals("proxy.example:8080", h.host());
  }

  @Test
  void pendingRequestsAreBounded() {
    for (int i = 0; i < 200; i++) {
      sent(c, "GET /" + i + " HTTP/1.1\r\n\r\n", i);
    }
    assertEquals(128, c.pendingRequests());
    assertEquals(72, c.requestsDropped());
    assertEquals("/72", response(received(c, OK, 999).get(0)).request().target());
  }

  @Test
  void incompleteHeadAtCloseIsReported() {
    sent(c, GET, 0);
    received(c, "HTTP/1.1 200 OK\r\nContent-Ty", 1);
    List<HttpEvent> e = c.onClose(2);
    assertEquals(1, e.size());
    assertEquals("incomplete head at close", Wire.unparsed(e.get(0)).reason());
    assertEquals("HTTP/1.1 200 OK\r\nContent-Ty".length(), Wire.unparsed(e.get(0)).bytes());
    assertEquals(1, c.requestsDropped());
    assertEquals(0, c.maxBufferCapacity());
    assertTrue(sent(c, GET, 3).isEmpty());
  }

  @Test
  void requestLinesInBothDirectionsAreRejected() {
    sent(c, GET, 0);
    assertEquals("request line in response direction",
        Wire.unparsed(received(c, GET, 1).get(0)).reason());
    HttpConversation server = new HttpConversation();
    received(server, GET, 0);
    assertEquals("status line in request direction",
        Wire.unparsed(received(server, OK, 1).get(0)).reason());
  }
}
