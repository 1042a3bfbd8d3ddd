package io.hybridmesh.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.fuzz.FuzzCampaign;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.x at scale: real conversations (keep-alive, pipelining, bodies by length and chunked with trailers,
 * 100-continue, HEAD, 204, 304), mutated (bytes flipped, inserted, deleted, repeated, cut), fed in random
 * splits with lost bytes between calls and the two directions interleaved. No exception escapes the parser,
 * and a conversation never holds more than its two head buffers' limit or its pending-request limit.
 */
class Http1FuzzCampaignIT {

  private static final String[] REQUESTS = {
      "GET /api/users?id=7 HTTP/1.1\r\nHost: shop\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n",
      "POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n"
          + "{\"item\":\"x\",\"n\":1}",
      "PUT /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
          + "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n",
      "HEAD /health HTTP/1.1\r\nHost: a\r\n\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",
  };
  private static final String[] RESPONSES = {
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nEtag: x\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 404 Not Found\r\n"
          + "Content-Length: 0\r\n\r\n",
      "HTTP/1.0 500 Internal Server Error\r\nConnection: close\r\n\r\nboom",
  };

  @Test
  void hundredThousandMutatedConversations() {
    Limits limits = Limits.DEFAULT;
    FuzzCampaign.run("http/1.x", 100_000, 2_000, r -> {
      HttpConversation c = new HttpConversation(limits);
      List<byte[]> calls = new ArrayList<>();
      List<Direction> dirs = new ArrayList<>();
      for (Direction d : Direction.values()) {
        byte[] stream = mutate(r, conversation(r, d == Direction.SENT ? REQUESTS : RESPONSES));
        for (int[] s : FuzzCampaign.splits(r, stream.length)) {
          byte[] call = new byte[s[1]];
          System.arraycopy(stream, s[0], call, 0, s[1]);
          calls.add(call);
          dirs.add(d);
        }
      }
      // Requests mostly come first, but the directions interleave as threads and peers do.
      int sent = (int) dirs.stream().filter(d -> d == Direction.SENT).count();
      int[] order = interleave(r, sent, calls.size() - sent);
      long now = 1;
      for (int i : order) {
        byte[] call = calls.get(i);
        long lost = r.nextInt(20) == 0 ? r.nextInt(5000) : 0;
        int offset = call.length > 0 && r.nextInt(10) == 0 ? r.nextInt(call.length) : 0;
        c.onData(dirs.get(i), call, offset, call.length - offset, call.length - offset + lost, now++);
        assertEquals(0, c.internalErrors(), "an exception escaped the parser");
        assertTrue(c.retainedBytes() <= 2L * limits.maxHeaderBytes(), "retained " + c.retainedBytes());
        assertTrue(c.pendingRequests() <= limits.maxPendingRequests(), "pending " + c.pendingRequests());
      }
      c.onClose(now);
      assertEquals(0, c.internalErrors());
    });
  }

  private static byte[] conversation(Random r, String[] messages) {
    StringBuilder s = new StringBuilder();
    for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
      s.append(messages[r.nextInt(messages.length)]);
    }
    return s.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] mutate(Random r, byte[] in) {
    byte[] b = in;
    for (int i = 0, n = r.nextInt(4); i < n && b.length > 0; i++) {
      int at = r.nextInt(b.length);
      switch (r.nextInt(6)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1 -> b = splice(b, at, 0, randomBytes(r, 1 + r.nextInt(64)));
        case 2 -> b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(32)), new byte[0]);
        case 3 -> b = splice(b, at, 0, java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + 1
            + r.nextInt(200))));
        case 4 -> b = java.util.Arrays.copyOf(b, at);
        default -> b = splice(b, at, 0, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    // Sometimes a head far past the limits: a header line that never ends.
    if (r.nextInt(200) == 0) {
      b = splice(b, 0, 0, ("GET /" + "a".repeat(70_000)).getBytes(StandardCharsets.ISO_8859_1));
    }
    return b;
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }

  /** Indexes 0..a-1 (in order) and a..a+b-1 (in order), merged at random. */
  private static int[] interleave(Random r, int a, int b) {
    int[] out = new int[a + b];
    int i = 0;
    int j = 0;
    for (int k = 0; k < out.length; k++) {
      boolean first = j >= b || (i < a && r.nextInt(3) != 0);
      out[k] = first ? i++ : a + j++;
    }
    return out;
  }
}
