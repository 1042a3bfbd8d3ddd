package io.hybridmesh.agent.http;

import static io.hybridmesh.agent.http.Wire.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.HttpEvent.Unparsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Randomised checks: splitting never changes the outcome, and nothing ever throws or grows. */
class HttpConversationPropertyTest {

  /** A valid client-side stream exercising every framing rule; segments keep their direction. */
  private static final Object[][] STREAM = {
    {Direction.SENT, "GET /a HTTP/1.1\r\nHost: h\r\nCookie: c=1\r\n\r\n"
        + "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"},
    {Direction.RECEIVED, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nHTTP/1.1 500"
        + "HTTP/1.1 200 OK\r\nContent-Length: 77\r\n\r\n"},
    {Direction.SENT, "\r\nPOST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"},
    {Direction.RECEIVED, "HTTP/1.1 100 Continue\r\n\r\n"},
    {Direction.SENT, "4;x=y\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\n"
        + "DELETE /d HTTP/1.0\r\nX-Request-Id: 9\r\n\r\n"},
    {Direction.RECEIVED, "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "3\r\nabc\r\n0\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 4\r\n\r\n"},
    {Direction.SENT, "GET /e HTTP/1.1\r\n\r\n"},
    {Direction.RECEIVED, "HTTP/1.0 200 OK\r\n\r\nuntil close HTTP/1.1 200 OK\r\n\r\n"},
  };

  @Test
  void randomSplitsGiveTheSameEvents() {
    List<String> expected = run(new Random(0), false);
    assertEquals(11, expected.size(), expected::toString);
    assertTrue(expected.stream().noneMatch(s -> s.startsWith("UNPARSED")), expected::toString);
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      assertEquals(expected, run(rnd, true));
    }
  }

  private static List<String> run(Random rnd, boolean split) {
    HttpConversation c = new HttpConversation();
    List<String> out = new ArrayList<>();
    long ts = 0;
    for (Object[] seg : STREAM) {
      byte[] b = bytes((String) seg[1]);
      int p = 0;
      while (p < b.length) {
        int n = split ? 1 + rnd.nextInt(Math.min(b.length - p, rnd.nextBoolean() ? 3 : 64)) : b.length;
        // Copy into a larger array at an offset so offset handling is exercised too.
        byte[] call = new byte[n + 8];
        System.arraycopy(b, p, call, 3, n);
        for (HttpEvent e : c.onData((Direction) seg[0], call, 3, n, n, ts++)) {
          out.add(Wire.shape(e));
        }
        p += n;
      }
    }
    c.onClose(ts).forEach(e -> out.add(Wire.shape(e)));
    return out;
  }

  @Test
  void randomBytesNeverThrowAndStayBounded() {
    Random rnd = new Random(7);
    Limits small = new Limits(1024, 128, 8, 64, 4);
    for (int round = 0; round < 3000; round++) {
      HttpConversation c = new HttpConversation(round % 2 == 0 ? Limits.DEFAULT : small);
      Limits lim = round % 2 == 0 ? Limits.DEFAULT : small;
      for (int call = 0; call < 40; call++) {
        byte[] data = randomCall(rnd);
        int off = rnd.nextInt(3);
        int cap = Math.max(0, data.length - off - rnd.nextInt(2));
        long truth = cap + (rnd.nextInt(8) == 0 ? rnd.nextInt(20000) : 0);
        Direction d = rnd.nextBoolean() ? Direction.SENT : Direction.RECEIVED;
        for (HttpEvent e : c.onData(d, data, off, cap, truth, call)) {
          if (e instanceof Unparsed u) {
            assertFalse(u.reason().startsWith("internal error"), u::toString);
          }
        }
        assertTrue(c.maxBufferCapacity() <= lim.maxHeaderBytes());
        assertTrue(c.pendingRequests() <= lim.maxPendingRequests());
      }
      c.onClose(99);
      assertEquals(0, c.maxBufferCapacity());
    }
  }

  private static final String[] PIECES = {
    "GET / HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 101 S\r\n", "HTTP/1.1 100 C\r\n",
    "Content-Length: 3\r\n", "Transfer-Encoding: chunked\r\n", "\r\n", "5;e\r\nabcde\r\n",
    "0\r\n\r\n", "HEAD /h HTTP/1.0\r\n", "CONNECT a:1 HTTP/1.1\r\n", "Host: x\r\n", "abc",
    "PRI * HTTP/2.0\r\n\r\n", "\n", "\r", "Content-Length: 99999999999999999999\r\n",
  };

  /** Mostly HTTP-shaped fragments with random bytes mixed in, so parsing gets deep, not just junk. */
  private static byte[] randomCall(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int pieces = rnd.nextInt(6);
    for (int i = 0; i < pieces; i++) {
      if (rnd.nextInt(4) == 0) {
        for (int j = rnd.nextInt(20); j > 0; j--) sb.append((char) rnd.nextInt(256));
      } else {
        sb.append(PIECES[rnd.nextInt(PIECES.length)]);
      }
    }
    byte[] b = bytes(sb.toString());
    if (rnd.nextInt(10) == 0) {
      byte[] big = new byte[rnd.nextInt(70000)];
      rnd.nextBytes(big);
      return rnd.nextBoolean() ? big : concat(b, filled(big.length, (byte) 'a'));
    }
    return b;
  }

  private static byte[] filled(int n, byte v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, v);
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
