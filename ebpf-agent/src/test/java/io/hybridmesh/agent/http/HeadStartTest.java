package io.hybridmesh.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadStartTest {

  private final HeadStart heads = new HeadStart();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void aWholeHeadIsReadAsAnyHead() {
    HeadStart.Request r = heads.request(bytes("GET /api/items?page=2 HTTP/1.1\r\nHost: shop.test\r\n"
        + "Authorization: Bearer secret\r\nUser-Agent: curl/8\r\n\r\n"));
    assertEquals("GET", r.head().method());
    assertEquals("/api/items?page=2", r.head().target());
    assertEquals("shop.test", r.head().host());
    assertEquals("HTTP/1.1", r.head().protocol());
    assertEquals(0, r.head().startNs(), "times are the event's");
    assertEquals(List.of(new Header("host", "shop.test"), new Header("user-agent", "curl/8")), r.head().headers(),
        "the allow-list holds: no credentials");
    assertFalse(r.lineCut());
    assertFalse(r.headersCut());
  }

  @Test
  void aHeadCutInsideItsHeadersKeepsTheWholeLinesOnly() {
    HeadStart.Request r = heads.request(bytes("POST /orders HTTP/1.0\r\nHost: shop.test\r\nUser-Agent: cur"));
    assertEquals("POST", r.head().method());
    assertEquals("HTTP/1.0", r.head().protocol());
    assertEquals(List.of(new Header("host", "shop.test")), r.head().headers(), "the cut line is not read");
    assertFalse(r.lineCut());
    assertTrue(r.headersCut());
  }

  @Test
  void aCutRequestLineKeepsItsMethodAndTheStartOfItsTarget() {
    HeadStart.Request r = heads.request(bytes("DELETE /a/very/long/path/that/goes/on"));
    assertEquals("DELETE", r.head().method());
    assertEquals("/a/very/long/path/that/goes/on", r.head().target());
    assertEquals("", r.head().protocol(), "not seen");
    assertNull(r.head().host());
    assertTrue(r.lineCut());
    assertTrue(r.headersCut());
    HeadStart.Request absolute = heads.request(bytes("GET http://shop.test/x HTTP/1."));
    assertEquals("shop.test", absolute.head().host(), "an absolute target names its host");
  }

  @Test
  void aRepeatedHeadIsTheSameRequestAndADifferentOneIsNot() {
    HeadStart.Request first = heads.request(bytes("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n"));
    assertSame(first, heads.request(bytes("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n")));
    assertEquals("/ko", heads.request(bytes("GET /ko HTTP/1.1\r\nHost: h\r\n\r\n")).head().target());
  }

  @Test
  void whatIsNotARequestLineIsNull() {
    for (String s : List.of("", "GET", "GET ", "GETX/ok HTTP/1.1\r\n\r\n", "GET /o\u0001k HTTP/1.1",
        "GET /ok HTTP/2.0\r\n\r\n", "{\"json\": true}\r\n", "\u0016\u0003\u0001\u0002\u0000")) {
      assertNull(heads.request(bytes(s)), s);
    }
  }

  @Test
  void statusLines() {
    HttpResponseHead ok = heads.response(bytes("HTTP/1.1 200 OK\r\nCon"), 9);
    assertEquals(200, ok.status());
    assertEquals("HTTP/1.1", ok.protocol());
    assertEquals(9, ok.startNs());
    assertEquals(404, heads.response(bytes("HTTP/1.0 404 Not F"), 0).status());
    assertEquals("HTTP/1.0", heads.response(bytes("HTTP/1.0 404 Not F"), 0).protocol());
    for (String s : List.of("HTTP/1.1 2x0 OK\r\n", "HTTP/1.1 099 Low\r\n", "HTTP/2 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\n", "")) {
      assertNull(heads.response(bytes(s), 0), s);
    }
  }

  @Test
  void anyBytesAndAnyCutOfARealHeadGiveARequestOrNullNeverAnException() {
    Random random = new Random(14);
    byte[] real = bytes("GET /search?q=hybrid+mesh HTTP/1.1\r\nHost: example.test:8080\r\nUser-Agent: wrk\r\n"
        + "Content-Length: 12\r\nTraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n");
    for (int cut = 0; cut <= real.length; cut++) {
      HeadStart.Request r = heads.request(Arrays.copyOf(real, cut));
      if (r != null) {
        assertEquals("GET", r.head().method());
        assertTrue("/search?q=hybrid+mesh".startsWith(r.head().target()), r.head().target());
      }
    }
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(129)];
      random.nextBytes(b);
      if (i % 2 == 0 && b.length > 4) {
        System.arraycopy(bytes("GET "), 0, b, 0, 4); // past the first check, into the parser
      }
      heads.request(b);
      heads.response(Arrays.copyOf(b, Math.min(b.length, 16)), 0);
    }
  }
}
