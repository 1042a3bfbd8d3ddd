package io.hybridmesh.agent.http;

import static io.hybridmesh.agent.http.Wire.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A coarse guard against accidental slow paths (regex, per-byte allocation). The bar is far below
 * the 1M chunks/s target so shared CI machines do not make it flaky; the measured rate is printed.
 */
class HttpConversationThroughputTest {

  @Test
  void manySmallChunksAreCheap() {
    byte[] req = pad("GET /api/v1/items/42?x=1 HTTP/1.1\r\nHost: svc.local\r\nUser-Agent: bench\r\n"
        + "Accept: */*\r\nX-Request-Id: 0123456789\r\n", 256);
    byte[] resp = pad("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n", 156);
    byte[] body = new byte[100];
    HttpConversation c = new HttpConversation();
    int rounds = 400_000;
    long events = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      events += c.onData(Direction.SENT, req, 0, req.length, req.length, i).size();
      events += c.onData(Direction.RECEIVED, resp, 0, resp.length, resp.length, i).size();
      c.onData(Direction.RECEIVED, body, 0, body.length, body.length, i);
    }
    long ns = System.nanoTime() - t0;
    assertEquals(2L * rounds, events);
    double perSecond = 3.0 * rounds / (ns / 1e9);
    System.out.printf("HttpConversation: %.2fM chunks/s%n", perSecond / 1e6);
    assertTrue(perSecond > 200_000, "only " + perSecond + " chunks/s");
  }

  /** Pads the head with an ignored header so the whole call is exactly {@code size} bytes. */
  private static byte[] pad(String head, int size) {
    int fill = size - head.length() - "X-Pad: \r\n\r\n".length();
    return bytes(head + "X-Pad: " + "p".repeat(fill) + "\r\n\r\n");
  }
}
