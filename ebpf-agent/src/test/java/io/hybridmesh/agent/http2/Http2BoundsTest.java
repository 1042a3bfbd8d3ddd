package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.exchanges;
import static io.hybridmesh.agent.http2.H2Wire.feed;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http2.Http2Event.Unparsed;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Memory per connection, buffer release, and every bound refusing with a count. */
class Http2BoundsTest {

  @Test
  void anIdleConnectionHoldsAtMost8KiBPlusItsHpackTables() {
    for (long seed = 0; seed < 20; seed++) {
      H2Scripts.Script script = H2Scripts.mixed(seed % 2 == 0 ? Direction.SENT : Direction.RECEIVED, seed);
      Http2Connection c = new Http2Connection();
      feed(c, script.calls());
      assertEquals(0, c.openStreams(), "every stream of the script ended");
      long idle = c.retainedBytes() - c.hpackTableBytes();
      assertTrue(idle <= 8 * 1024, "idle connection holds " + idle + " bytes besides its tables");
      assertTrue(c.hpackTableBytes() <= 2 * DynamicTable.maxRetainedBytes(Http2Limits.DEFAULT.maxHpackTableBytes()));
    }
    assertTrue(new Http2Connection().retainedBytes() <= 4 * 1024);
  }

  @Test
  void aBlockSplitAcrossCallsIsBufferedThenReleased() throws Exception {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headersInPieces(1, request("GET", "/" + "x".repeat(1500), "h").add("x-big", "y".repeat(9000)), true, 700);
    w.server.headers(1, response(200), true);
    Http2Connection c = new Http2Connection();
    long ts = 0;
    List<Http2Event> events = new ArrayList<>();
    for (H2Wire.Call call : w.done()) {
      byte[] b = call.bytes();
      for (int p = 0; p < b.length; p += 1000) {
        int n = Math.min(1000, b.length - p);
        events.addAll(c.onData(call.dir(), b, p, n, n, ts++));
      }
    }
    Http2Exchange x = exchanges(events).get(0);
    assertEquals("/" + "x".repeat(1500), x.request().path());
    assertEquals(200, x.response().status());
    assertTrue(c.retainedBytes() - c.hpackTableBytes() <= 8 * 1024, "the 10 KiB block buffer was given back");
  }

  @Test
  void blocksOverTheBoundAndContinuationFloodsAreDroppedAndCounted() throws Exception {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headersInPieces(1, request("GET", "/big", "h").add("x-big", "y".repeat(20_000)), true, 4000);
    w.client.headersInPieces(3, request("GET", "/many", "h").add("x-id", "z".repeat(200)), true, 1); // 1 byte each
    w.server.headers(1, response(200), true).headers(3, response(200), true);
    w.client.headers(5, request("GET", "/after", "h"), true);
    w.server.headers(5, response(200), true);
    Http2Connection c = new Http2Connection();
    List<Http2Exchange> xs = exchanges(feed(c, w.done()));
    assertEquals(1, c.drops(Http2Drop.HEADER_BLOCK_TOO_LARGE));
    assertEquals(1, c.drops(Http2Drop.CONTINUATION_LIMIT));
    // Neither block opened a stream: their responses come alone, and HPACK after them is partial.
    assertNull(xs.get(0).request());
    assertNull(xs.get(1).request());
    Http2Request after = xs.get(2).request();
    assertEquals("GET", after.method());
    assertTrue(after.path() == null || after.path().equals("/after"));
    assertTrue(c.retainedBytes() <= Http2Limits.DEFAULT.maxRetainedBytes());
  }

  @Test
  void framesLargerThanAllowedLoseTheFraming() throws Exception {
    H2Wire w = new H2Wire(Direction.SENT).handshake(); // the server allows 32768
    w.client.writer.maxFrameSize(32768);
    w.client.headers(1, request("POST", "/up", "h"), false).data(1, 30_000, true);
    w.server.writer.maxFrameSize(32768);
    w.server.headers(1, response(200), false).data(1, 20_000, true); // the client allows only 16384
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, w.done());
    assertEquals(1, c.drops(Http2Drop.FRAME_INVALID));
    Unparsed u = (Unparsed) events.stream().filter(e -> e instanceof Unparsed).findFirst().orElseThrow();
    assertEquals(Direction.RECEIVED, u.direction());
    assertTrue(exchanges(events).isEmpty(), "the response's END_STREAM was in the lost frame");
    assertEquals(1, c.openStreams());
  }

  @Test
  void uncapturedDataIsSkippedWithoutLosingSync() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, request("GET", "/file", "h"), true);
    w.server.headers(1, response(200), false).data(1, 10_000, 40, false);
    w.flush(); // a second write
    w.server.data(1, 5_000, true);
    w.client.headers(3, request("GET", "/next", "h"), true);
    w.server.headers(3, response(204), true);
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = new ArrayList<>();
    long ts = 0;
    for (H2Wire.Call call : w.done()) {
      byte[] b = call.bytes();
      // The agent captures at most 4 KiB of each call; the rest of a DATA payload is skipped by count.
      int captured = Math.min(b.length, 4096);
      events.addAll(c.onData(call.dir(), b, 0, captured, b.length, ts++));
    }
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(2, xs.size());
    assertEquals(15_000, xs.get(0).responseBytes());
    assertEquals("/next", xs.get(1).request().path());
    assertTrue(events.stream().noneMatch(e -> e instanceof Unparsed), events::toString);
  }
}
