package io.hybridmesh.agent.http;

import static io.hybridmesh.agent.http.Wire.bytes;
import static io.hybridmesh.agent.http.Wire.received;
import static io.hybridmesh.agent.http.Wire.request;
import static io.hybridmesh.agent.http.Wire.response;
import static io.hybridmesh.agent.http.Wire.sent;
import static io.hybridmesh.agent.http.Wire.unparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.HttpEvent.Unparsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Gaps, limits, malformed input and hostile arguments. */
class HttpConversationRobustnessTest {

  private final HttpConversation c = new HttpConversation();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "GET\\r\\n\\r\\n|not HTTP/1.x",
    "GETGETGETGETGETGETGETX / HTTP/1.1\\r\\n\\r\\n|not HTTP/1.x",
    "' GET / HTTP/1.1\\r\\n\\r\\n'|not HTTP/1.x",
    "GET /\\r\\n\\r\\n|malformed request line",
    "GET / HTTP/1.1 \\r\\n\\r\\n|malformed request line",
    "GET  / HTTP/1.1\\r\\n\\r\\n|malformed request line",
    "GET / HTTP/3.0\\r\\n\\r\\n|malformed request line",
    "HTTP/1.1 abc\\r\\n\\r\\n|malformed status line",
    "HTTP/1.1 20\\r\\n\\r\\n|malformed status line",
    "HTTP/1.1 2000 OK\\r\\n\\r\\n|malformed status line",
    "HTTP/2 200\\r\\n\\r\\n|not HTTP/1.x",
    "POST / HTTP/1.1\\r\\nContent-Length: -1\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nContent-Length: abc\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nContent-Length:\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|unsupported Transfer-Encoding",
    "HTTP/1.1 200 OK\\r\\nContent-Length: +5\\r\\n\\r\\n|invalid Content-Length",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n|malformed chunk size",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1\\r\\nab\\r\\n|malformed chunk end",
    "POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1234567890abcdef0\\r\\n|malformed chunk size",
  })
  void garbageIsReportedAndDesyncs(String escaped, String reason) {
    String input = escaped.replace("\\r", "\r").replace("\\n", "\n");
    List<HttpEvent> e = sent(c, input, 0);
    Unparsed u = unparsed(e.get(e.size() - 1));
    assertEquals(reason, u.reason());
    assertEquals(Direction.SENT, u.direction());
    assertEquals(1, c.unparsedCount());
    // Desynced: a later call that does not start with a start line is ignored...
    assertTrue(sent(c, "xyz GET / HTTP/1.1\r\n\r\n", 1).isEmpty());
    // ...and one that does resyncs.
    assertEquals("/again", request(sent(c, "GET /again HTTP/1.1\r\n\r\n", 2).get(0)).request().target());
  }

  @Test
  void megabyteHeaderIsRefusedWithBoundedMemory() {
    sent(c, "GET /a HTTP/1.1\r\n\r\n", 0);
    byte[] chunk = new byte[4096];
    Arrays.fill(chunk, (byte) 'a');
    List<HttpEvent> all = new ArrayList<>(received(c, "HTTP/1.1 200 OK\r\nX-Big: ", 1));
    for (int i = 0; i < 256; i++) {
      all.addAll(c.onData(Direction.RECEIVED, chunk, 0, chunk.length, chunk.length, 2));
      assertTrue(c.maxBufferCapacity() <= 65536);
    }
    assertEquals(1, all.size());
    assertEquals("header block larger than 65536 bytes", unparsed(all.get(0)).reason());
    assertTrue(c.bytesIgnored() >= 1 << 20);
    // The same in a single fully captured call: refused without buffering any of it.
    HttpConversation one = new HttpConversation();
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 'b');
    System.arraycopy(bytes("GET / HTTP/1.1\r\nX: "), 0, big, 0, 19);
    List<HttpEvent> e = one.onData(Direction.SENT, big, 0, big.length, big.length, 0);
    assertEquals("header block larger than 65536 bytes", unparsed(e.get(0)).reason());
    assertEquals(1 << 20, unparsed(e.get(0)).bytes());
    assertEquals(0, one.maxBufferCapacity());
  }

  @Test
  void overlongStartLineIsRefused() {
    String target = "/" + "x".repeat(9000);
    List<HttpEvent> e = sent(c, "GET " + target.substring(0, 5000), 0);
    assertTrue(e.isEmpty());
    e = sent(c, target.substring(5000) + " HTTP/1.1\r\n\r\n", 1);
    assertEquals("start line longer than 8192 bytes", unparsed(e.get(0)).reason());
    assertTrue(c.maxBufferCapacity() <= 8193);
  }

  @Test
  void gapInsideBodyIsSkipped() {
    sent(c, "GET /file HTTP/1.1\r\n\r\n", 0);
    String head = "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n";
    byte[] call = new byte[4096];
    byte[] h = bytes(head);
    System.arraycopy(h, 0, call, 0, h.length);
    // One write of head + whole body, of which only 4096 bytes were captured.
    assertEquals(1, c.onData(Direction.RECEIVED, call, 0, 4096, h.length + 10000, 1).size());
    assertEquals(10000, c.bytesSkipped());
    assertEquals(1, sent(c, "GET /next HTTP/1.1\r\n\r\n", 2).size());
    assertEquals("/next", response(received(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3)
        .get(0)).request().target());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void gapInsideChunkDataIsSkipped() {
    sent(c, "GET /c HTTP/1.1\r\n\r\n", 0);
    byte[] call = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\nab");
    assertEquals(1, c.onData(Direction.RECEIVED, call, 0, call.length, call.length + 0x1000 - 2, 1)
        .size());
    assertTrue(received(c, "\r\n0\r\n\r\n", 2).isEmpty());
    assertEquals(1, received(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 3).size());
    assertEquals(0, c.unparsedCount());
  }

  @Test
  void gapInsideChunkFramingDesyncs() {
    sent(c, "GET /c HTTP/1.1\r\n\r\n", 0);
    byte[] call = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n1");
    List<HttpEvent> e = c.onData(Direction.RECEIVED, call, 0, call.length, call.length + 30, 1);
    assertEquals(2, e.size());
    assertEquals("chunk framing not captured", unparsed(e.get(1)).reason());
    assertEquals(30, unparsed(e.get(1)).bytes());
    assertTrue(received(c, "rest\r\n0\r\n\r\n", 2).isEmpty());
    sent(c, "GET /d HTTP/1.1\r\n\r\n", 3);
    assertEquals("/d", response(received(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)
        .get(0)).request().target());
  }

  @Test
  void gapInsideHeadersDesyncsUntilARequestLine() {
    sent(c, "GET /old HTTP/1.1\r\n\r\n", 0);
    byte[] call = bytes("POST /big HTTP/1.1\r\nHost: h\r\nX-Pad: aaaa");
    List<HttpEvent> e = c.onData(Direction.SENT, call, 0, call.length, 9000, 1);
    assertEquals("headers not captured", unparsed(e.get(0)).reason());
    assertEquals(9000, unparsed(e.get(0)).bytes());
    assertTrue(sent(c, "the rest of the body GET / HTTP/1.1\r\n\r\n", 2).isEmpty());
    List<HttpEvent> again = sent(c, "PUT /fresh HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 3);
    assertEquals("/fresh", request(again.get(0)).request().target());
    assertEquals(1, c.requestsDropped());
    assertEquals("/fresh", response(received(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4)
        .get(0)).request().target());
  }

  @Test
  void gapRightAfterBodyLosesTheNextHead() {
    sent(c, "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nab", 0);
    byte[] tail = bytes("c");
    List<HttpEvent> e = c.onData(Direction.SENT, tail, 0, 1, 50, 1);
    assertEquals("headers not captured", unparsed(e.get(0)).reason());
    assertEquals(49, unparsed(e.get(0)).bytes());
  }

  @Test
  void responseDirectionResyncsOnStatusLine() {
    sent(c, "GET /1 HTTP/1.1\r\n\r\n", 0);
    byte[] lost = bytes("HTTP/1.1 200 OK\r\nX-A: 1");
    assertEquals(1, c.onData(Direction.RECEIVED, lost, 0, lost.length, 5000, 1).size());
    sent(c, "GET /2 HTTP/1.1\r\n\r\n", 2);
    assertTrue(received(c, "tail of lost response", 3).isEmpty());
    List<HttpEvent> e = received(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 4);
    assertEquals("/2", response(e.get(0)).request().target());
    assertEquals(1, c.requestsDropped());
  }

  @Test
  void junkThenValidRequestResyncs() {
    assertEquals(1, sent(c, "\u0000\u0001binary", 0).size());
    assertEquals(Role.CLIENT, request(sent(c, "GET / HTTP/1.1\r\n\r\n", 1).get(0)).role());
  }

  @Test
  void hostileArgumentsNeverThrow() {
    byte[] b = bytes("GET / HTTP/1.1\r\n\r\n");
    assertTrue(c.onData(null, b, 0, b.length, b.length, 0).isEmpty());
    assertTrue(c.onData(Direction.SENT, null, 0, 10, 10, 0).size() <= 1);
    HttpConversation d = new HttpConversation();
    d.onData(Direction.SENT, b, -5, 3, 3, 0);
    d.onData(Direction.SENT, b, 100, 3, 3, 0);
    d.onData(Direction.SENT, b, 2, 1000, -7, 0);
    d.onData(Direction.SENT, b, 0, Integer.MIN_VALUE, Long.MAX_VALUE, 0);
    d.onData(Direction.RECEIVED, b, 0, b.length, Long.MIN_VALUE, 0);
    d.onClose(0);
    d.onClose(0);
    assertTrue(d.onData(Direction.SENT, b, 0, b.length, b.length, 0).isEmpty());
  }
}
