package io.hybridmesh.agent.http;

import static io.hybridmesh.agent.http.Wire.bytes;
import static io.hybridmesh.agent.http.Wire.received;
import static io.hybridmesh.agent.http.Wire.request;
import static io.hybridmesh.agent.http.Wire.response;
import static io.hybridmesh.agent.http.Wire.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.hybridmesh.agent.http.HttpEvent.RequestSeen;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection that repeats a head byte for byte gets the same events as if each were parsed anew. */
class HeadMemoTest {

  private static final String GET = "GET / HTTP/1.1\r\nHost: 10.0.0.2:8443\r\n\r\n";
  private static final String OK = "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 2\r\n\r\nok";

  /**
   * The same bytes fed one per call to a new conversation: a head is then never whole in one call, so
   * never matched, always scanned and parsed. What the memo must reproduce.
   */
  private static List<HttpEvent> parsedByteByByte(String... calls) {
    return Wire.byteByByte(new HttpConversation(), Direction.SENT, String.join("", calls), 1);
  }

  @Test
  void aRepeatedRequestGivesEqualEventsAndSharesItsStrings() {
    HttpConversation c = new HttpConversation();
    RequestSeen first = request(sent(c, GET, 1).get(0));
    response(received(c, OK, 2).get(0));
    RequestSeen second = request(sent(c, GET, 3).get(0));
    assertEquals(first.request().target(), second.request().target());
    assertSame(first.request().target(), second.request().target(), "parsed once");
    assertSame(first.request().headers(), second.request().headers());
    assertEquals(3, second.request().startNs());
    assertEquals(first.role(), second.role());
    assertSame(second.request(), response(received(c, OK, 4).get(0)).request());
  }

  @Test
  void aHeadThatOnlyStartsLikeTheLastOneIsParsed() {
    HttpConversation c = new HttpConversation();
    sent(c, GET, 1);
    received(c, OK, 2);
    String longer = "GET / HTTP/1.1\r\nHost: 10.0.0.2:8443\r\nUser-Agent: x\r\n\r\n";
    HttpRequestHead h = request(sent(c, longer, 3).get(0)).request();
    assertEquals(List.of(new Header("host", "10.0.0.2:8443"), new Header("user-agent", "x")), h.headers());
    String shorter = "GET /a HTTP/1.1\r\n\r\n";
    assertNull(request(sent(c, shorter, 4).get(0)).request().host());
  }

  @Test
  void repeatsWithBodiesPipelinedAndSplitAcrossCallsMatchFreshParsing() {
    String post = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello";
    String[][] cases = {
      {post, post, post + post},
      {GET + GET + GET, GET},
      {GET.substring(0, 10), GET.substring(10) + GET.substring(0, 20), GET.substring(20), GET},
      {post.substring(0, post.length() - 2), post.substring(post.length() - 2) + post},
      {GET, "\r\n" + GET, GET + "\r\n"},
    };
    for (String[] calls : cases) {
      HttpConversation c = new HttpConversation();
      List<HttpEvent> all = new ArrayList<>();
      for (String s : calls) {
        all.addAll(sent(c, s, 1));
      }
      assertEquals(parsedByteByByte(calls), all, () -> "calls " + List.of(calls));
    }
  }

  @Test
  void repeatedResponsesFrameTheirBodiesAlike() {
    HttpConversation c = new HttpConversation();
    for (int i = 0; i < 3; i++) {
      sent(c, GET, 10 * i);
      List<HttpEvent> e = received(c, OK, 10 * i + 5);
      assertEquals(1, e.size());
      assertEquals(200, response(e.get(0)).response().status());
      assertEquals(5, response(e.get(0)).latencyNs());
    }
    assertEquals(6, c.bytesSkipped(), "three 2-byte bodies");
    assertEquals(0, c.pendingRequests());
  }

  @Test
  void onlyParsedRequestsAndResponsesOfBoundedSizeAreKept() {
    HeadMemo memo = new HeadMemo();
    HeadParser parser = new HeadParser(Limits.DEFAULT);
    byte[] get = bytes(GET);
    HeadParser.Parsed parsed = parser.parse(get, 0, get.length);
    memo.remember(get, 0, get.length, parsed);
    assertSame(parsed, memo.match(get, 0, get.length));
    assertNull(memo.match(get, 1, get.length), "not at the start of the head");
    assertNull(memo.match(get, 0, get.length - 1), "the call ends inside the head");

    String big = "GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: " + "x".repeat(HeadMemo.MAX) + "\r\n\r\n";
    byte[] b = bytes(big);
    memo.remember(b, 0, b.length, parser.parse(b, 0, b.length));
    assertNull(memo.match(b, 0, b.length), "too long to keep");
    assertSame(parsed, memo.match(get, 0, get.length), "the last short head is still kept");

    byte[] junk = bytes("GET /\r\n\r\n");
    HeadParser.Parsed error = parser.parse(junk, 0, junk.length);
    assertEquals(HeadParser.Kind.ERROR, error.kind());
    memo.remember(junk, 0, junk.length, error);
    assertNull(memo.match(junk, 0, junk.length), "errors are not kept");

    memo.clear();
    assertNull(memo.match(get, 0, get.length));
  }

  @Test
  void aConversationClosedOrStoppedForgetsItsHeads() {
    HttpConversation c = new HttpConversation();
    sent(c, GET, 1);
    c.onClose(2);
    assertEquals(List.of(), sent(c, GET, 3));
    HttpConversation other = new HttpConversation();
    RequestSeen a = request(sent(other, GET, 1).get(0));
    RequestSeen b = request(sent(new HttpConversation(), GET, 1).get(0));
    assertNotSame(a.request().target(), b.request().target(), "nothing is shared between conversations");
  }
}
