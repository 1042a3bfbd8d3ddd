package io.hybridmesh.agent.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.HttpEvent.RequestSeen;
import io.hybridmesh.agent.http.HttpEvent.ResponseSeen;
import io.hybridmesh.agent.http.HttpEvent.Unparsed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: feed strings as fully captured calls and pick events apart. */
final class Wire {

  private Wire() {}

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static List<HttpEvent> feed(HttpConversation c, Direction d, String s, long ts) {
    byte[] b = bytes(s);
    List<HttpEvent> events = c.onData(d, b, 0, b.length, b.length, ts);
    assertTrue(c.maxBufferCapacity() <= Limits.DEFAULT.maxHeaderBytes());
    return events;
  }

  static List<HttpEvent> sent(HttpConversation c, String s, long ts) {
    return feed(c, Direction.SENT, s, ts);
  }

  static List<HttpEvent> received(HttpConversation c, String s, long ts) {
    return feed(c, Direction.RECEIVED, s, ts);
  }

  /** Feeds {@code s} one byte per call, all with the same timestamp, collecting the events. */
  static List<HttpEvent> byteByByte(HttpConversation c, Direction d, String s, long ts) {
    List<HttpEvent> all = new ArrayList<>();
    for (byte x : bytes(s)) {
      all.addAll(c.onData(d, new byte[] {x}, 0, 1, 1, ts));
    }
    return all;
  }

  static RequestSeen request(HttpEvent e) {
    assertTrue(e instanceof RequestSeen, () -> "not a request: " + e);
    return (RequestSeen) e;
  }

  static ResponseSeen response(HttpEvent e) {
    assertTrue(e instanceof ResponseSeen, () -> "not a response: " + e);
    return (ResponseSeen) e;
  }

  static Unparsed unparsed(HttpEvent e) {
    assertTrue(e instanceof Unparsed, () -> "not unparsed: " + e);
    return (Unparsed) e;
  }

  /** An event without its timestamps, for comparing runs fed with different call boundaries. */
  static String shape(HttpEvent e) {
    if (e instanceof RequestSeen r) {
      return "REQ " + req(r.request()) + " " + r.role();
    }
    if (e instanceof ResponseSeen r) {
      HttpResponseHead h = r.response();
      return "RESP " + h.status() + " " + h.protocol() + " " + h.headers() + " for "
          + (r.request() == null ? "none" : req(r.request())) + " " + r.role();
    }
    Unparsed u = (Unparsed) e;
    return "UNPARSED " + u.direction() + " " + u.reason();
  }

  private static String req(HttpRequestHead h) {
    return h.method() + " " + h.target() + " " + h.host() + " " + h.protocol() + " " + h.headers();
  }
}
