package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.exchanges;
import static io.hybridmesh.agent.http2.H2Wire.feed;
import static io.hybridmesh.agent.http2.H2Wire.request;
import static io.hybridmesh.agent.http2.H2Wire.response;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.hybridmesh.agent.http.Role;
import io.hybridmesh.agent.http2.Http2Event.RequestSeen;
import io.hybridmesh.agent.http2.Http2Event.Unparsed;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A connection first seen mid-stream, or losing bytes: unknown fields say why, values are never wrong. */
class Http2MidStreamTest {

  /** Five exchanges that fill both HPACK tables, then two more: stream 11 repeats, 13 is new. */
  private static H2Wire warmConnection() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    for (int s = 1; s <= 9; s += 2) {
      w.client.headers(s, request("GET", "/a", "example.com"), true);
      w.server.headers(s, response(200), false).data(s, 10, true);
    }
    return w;
  }

  @Test
  void attachedAfterTheTablesFilled() {
    H2Wire w = warmConnection();
    int skip = w.done().size();
    w.client.headers(11, request("GET", "/a", "example.com"), true);
    w.server.headers(11, response(200), false).data(11, 10, true);
    w.client.headers(13, request("PUT", "/new", "example.com"), true);
    w.server.headers(13, response(201), true);
    List<H2Wire.Call> calls = w.done();

    Http2Connection c = new Http2Connection();
    List<Http2Event> events = feed(c, calls.subList(skip, calls.size()));
    assertEquals(Role.CLIENT, c.role(), "learned from :method");
    assertFalse(c.hpackComplete(Direction.SENT));
    assertFalse(c.hpackComplete(Direction.RECEIVED));
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(2, xs.size());

    Http2Request r11 = xs.get(0).request();
    assertEquals("GET", r11.method()); // static table
    assertNull(r11.path()); // a dynamic-table entry from before we looked
    assertNull(r11.authority());
    assertEquals(Http2Unknown.HPACK_STATE_MISSED, r11.unknown());
    assertEquals(200, xs.get(0).response().status());

    Http2Request r13 = xs.get(1).request();
    assertEquals("PUT", r13.method());
    assertEquals("/new", r13.path()); // a literal: known even now
    assertEquals(Http2Unknown.HPACK_STATE_MISSED, r13.unknown()); // authority, user-agent were references
    assertEquals(201, xs.get(1).response().status());
    assertTrue(c.drops(Http2Drop.HPACK_STATE_MISSED) > 0);
    assertEquals(0, c.drops(Http2Drop.HPACK_ERROR));
    assertTrue(events.stream().noneMatch(e -> e instanceof Unparsed), "frames line up: nothing was lost");
  }

  @Test
  void responseWhoseRequestWentBeforeCapture() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, request("GET", "/old", "h"), true);
    int skip = w.done().size();
    w.server.headers(1, response(500), false).data(1, 7, true);
    List<H2Wire.Call> calls = w.done();
    Http2Connection c = new Http2Connection();
    List<Http2Exchange> xs = exchanges(feed(c, calls.subList(skip, calls.size())));
    assertEquals(Role.SERVER, c.role(), "learned from :status sent");
    assertNull(xs.get(0).request());
    assertEquals(500, xs.get(0).response().status());
    assertEquals(0, xs.get(0).latencyNs());
  }

  @Test
  void lostBytesLoseFramingAndHpackUntilTheNextPlausibleCall() {
    H2Wire w = warmConnection();
    w.client.headers(11, request("GET", "/lost", "example.com"), true)
        .headers(13, request("GET", "/also-lost", "example.com"), true);
    w.server.headers(11, response(200), true);
    w.client.headers(15, request("GET", "/lost", "example.com"), true);
    w.server.headers(15, response(200), true).headers(13, response(404), true);
    List<H2Wire.Call> calls = w.done();
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = new ArrayList<>();
    long ts = 0;
    for (H2Wire.Call call : calls) {
      byte[] b = call.bytes();
      boolean cut = call.dir() == Direction.SENT && new String(b, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("also-lost");
      // Netty Huffman-codes values, so find the call by its stream ids instead when the text is not there.
      cut |= call.dir() == Direction.SENT && containsHeadersFor(b, 13);
      int captured = cut ? 12 : b.length; // the frame header and 3 bytes of the block
      events.addAll(c.onData(call.dir(), b, 0, captured, b.length, ts += 10));
    }
    Unparsed lost = (Unparsed) events.stream().filter(e -> e instanceof Unparsed).findFirst().orElseThrow();
    assertEquals(Http2Drop.LOST_BYTES, lost.reason());
    assertEquals(Direction.SENT, lost.direction());
    List<Http2Exchange> xs = exchanges(events);
    Map<Integer, Http2Exchange> byStream = new HashMap<>();
    xs.forEach(x -> byStream.put(x.streamId(), x));
    // 11 and 13 went by unseen; their responses still come, unpaired.
    assertNull(byStream.get(11).request());
    assertNull(byStream.get(13).request());
    assertEquals(404, byStream.get(13).response().status());
    // 15 references "/lost", inserted in the lost block: unknown, not guessed.
    Http2Request r15 = byStream.get(15).request();
    assertEquals("GET", r15.method());
    assertNull(r15.path());
    assertEquals(Http2Unknown.HPACK_STATE_MISSED, r15.unknown());
    assertTrue(c.hpackComplete(Direction.RECEIVED), "the other direction was not touched");
  }

  /** Whether a HEADERS frame for the stream is among the frames of b. */
  private static boolean containsHeadersFor(byte[] b, int stream) {
    for (int p = 0; p + 9 <= b.length; p += 9 + Http2Frames.length(b, p)) {
      if (Http2Frames.type(b, p) == Http2Frames.HEADERS && Http2Frames.streamId(b, p) == stream) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aCallStartingInsideAFrameIsSkipped() {
    H2Wire w = warmConnection();
    int from = w.done().size();
    w.server.data(9, 0, false); // placeholder to start a server call
    w.client.headers(11, request("GET", "/z", "example.com"), true);
    w.server.headers(11, response(200), false).data(11, 3000, true);
    w.client.headers(13, request("GET", "/z2", "example.com"), true);
    w.server.headers(13, response(200), true);
    List<H2Wire.Call> calls = w.done().subList(from, w.done().size());
    Http2Connection c = new Http2Connection();
    List<Http2Event> events = new ArrayList<>();
    long ts = 0;
    for (H2Wire.Call call : calls) {
      byte[] b = call.bytes();
      // The server's big DATA call arrives as two reads; we see the second (mid-frame) first.
      if (call.dir() == Direction.RECEIVED && b.length > 3000) {
        events.addAll(c.onData(call.dir(), b, 2000, b.length - 2000, b.length - 2000, ts += 10));
      } else {
        events.addAll(c.onData(call.dir(), b, 0, b.length, b.length, ts += 10));
      }
    }
    // Zeros of the DATA payload read as a frame header: DATA on stream 0, which no peer sends.
    assertEquals(1, c.drops(Http2Drop.FRAME_INVALID));
    Map<Integer, Http2Exchange> byStream = new HashMap<>();
    exchanges(events).forEach(x -> byStream.put(x.streamId(), x));
    assertNull(byStream.get(11), "its END_STREAM went by unseen");
    assertEquals(1, c.openStreams());
    assertEquals(200, byStream.get(13).response().status(), "resynchronised on the next call");
    for (Http2Event e : events) {
      if (e instanceof RequestSeen r && r.request().path() != null) {
        assertTrue(r.request().path().startsWith("/z"), r::toString);
      }
    }
  }

  @Test
  void aTableLargerThanOurCapGivesUnknownsNotWrongs() throws Exception {
    H2Wire w = new H2Wire(Direction.SENT);
    w.client.bytes(Http2Frames.PREFACE).settings(new Http2Settings());
    w.server.settings(new Http2Settings().headerTableSize(65536));
    w.client.settingsAck();
    w.client.encoder.maxHeaderTableSize(65536);
    Map<Integer, String> truth = new HashMap<>();
    for (int i = 0; i < 120; i++) {
      int s = 1 + 2 * i;
      String path = "/p" + (i % 40);
      truth.put(s, path);
      w.client.headers(s, request("GET", path, "example.com").add("x-pad", "v".repeat(60) + i), true);
      w.server.headers(s, response(200), true);
    }
    Http2Connection c = new Http2Connection();
    List<Http2Exchange> xs = exchanges(feed(c, w.done()));
    assertEquals(120, xs.size());
    int unknown = 0;
    for (Http2Exchange x : xs) {
      Http2Request r = x.request();
      if (r.path() == null) {
        unknown++;
        assertEquals(Http2Unknown.HPACK_TABLE_OVER_CAP, r.unknown());
      } else {
        assertEquals(truth.get(x.streamId()), r.path());
      }
    }
    assertTrue(unknown > 0, "entries beyond our 4096-byte cap were referenced");
    assertFalse(c.hpackComplete(Direction.SENT));
    assertTrue(c.retainedBytes() <= Http2Limits.DEFAULT.maxRetainedBytes());
  }

  @Test
  void tableKnownAgainAfterASizeUpdateToZero() {
    HpackDecoder d = new HpackDecoder(Http2Limits.DEFAULT);
    assertFalse(d.exact());
    HeaderBlock b = new HeaderBlock(Http2Limits.DEFAULT);
    byte[] block = Http2HpackRfcTest.hex("20 3fe11f 82 c0"); // 0, then 4096; GET; index 64: beyond
    assertEquals(HpackResult.INDEX_OUT_OF_RANGE, d.decode(block, 0, block.length, b));
    d.missed();
    block = Http2HpackRfcTest.hex("20 3fe11f 82 be"); // index 62 after the flush: nothing there
    assertEquals(HpackResult.INDEX_OUT_OF_RANGE, d.decode(block, 0, block.length, b),
        "after a flush the table is known: a reference beyond it is an error, not unknown");
  }

  @Test
  void tableKnownAgainOnceItEvictsWithAKnownMaximum() {
    HpackDecoder d = new HpackDecoder(Http2Limits.DEFAULT);
    HeaderBlock b = new HeaderBlock(Http2Limits.DEFAULT);
    // Size update to 100, then "x-a: aaaaaaaaaa" (3 + 10 + 32 = 45) twice: the second evicts nothing...
    String entry = "40 03 782d61 0a 61616161616161616161";
    byte[] block = Http2HpackRfcTest.hex("3f45 " + entry + entry); // 31 + 69 = 100
    assertEquals(HpackResult.OK, d.decode(block, 0, block.length, b));
    assertFalse(d.exact(), "two entries fit: older unseen ones may remain at the encoder");
    block = Http2HpackRfcTest.hex(entry);
    assertEquals(HpackResult.OK, d.decode(block, 0, block.length, b));
    assertTrue(d.exact(), "the third evicted one: the encoder evicted at least everything older");
  }
}
