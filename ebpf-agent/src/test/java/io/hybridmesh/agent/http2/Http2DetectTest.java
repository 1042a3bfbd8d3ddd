package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.Http2Detect.Verdict.HTTP1;
import static io.hybridmesh.agent.http2.Http2Detect.Verdict.HTTP2_PREFACE;
import static io.hybridmesh.agent.http2.Http2Detect.Verdict.HTTP2_SETTINGS;
import static io.hybridmesh.agent.http2.Http2Detect.Verdict.NEED_MORE;
import static io.hybridmesh.agent.http2.Http2Detect.Verdict.OTHER;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hybridmesh.agent.http.Direction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Which parser a direction needs, from its first bytes. */
class Http2DetectTest {

  @Test
  void clientPreface() {
    byte[] p = Http2Frames.PREFACE;
    assertEquals(HTTP2_PREFACE, detect(p));
    assertEquals(NEED_MORE, detect(Arrays.copyOf(p, 10)));
    assertEquals(NEED_MORE, detect(Arrays.copyOf(p, 3)), "PRI could still be the preface");
    byte[] more = Arrays.copyOf(p, p.length + 9);
    assertEquals(HTTP2_PREFACE, detect(more));
  }

  @Test
  void serverSettings() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    byte[] server = w.done().get(1).bytes(); // the server's SETTINGS and ACK
    assertEquals(HTTP2_SETTINGS, detect(server));
    assertEquals(NEED_MORE, detect(Arrays.copyOf(server, 5)));
    assertEquals(NEED_MORE, detect(Arrays.copyOf(server, 12)), "inside the settings");
    // An ACK is no server's first frame; nor is a SETTINGS with a value the protocol forbids.
    assertEquals(OTHER, detect(Http2PropertyTest.frame(4, 1, 0, new byte[0])));
    assertEquals(OTHER, detect(Http2PropertyTest.frame(4, 0, 0, new byte[] {0, 2, 0, 0, 0, 2})));
    assertEquals(OTHER, detect(Http2PropertyTest.frame(4, 0, 1, new byte[0])));
    assertEquals(HTTP2_SETTINGS, detect(Http2PropertyTest.frame(4, 0, 0, new byte[0])), "empty SETTINGS");
  }

  @Test
  void http1AndOthers() {
    assertEquals(HTTP1, detect(ascii("GET / HTTP/1.1\r\n")));
    assertEquals(HTTP1, detect(ascii("OPTIONS * HTTP/1.1\r\n")));
    assertEquals(HTTP1, detect(ascii("HTTP/1.1 200 OK\r\n")));
    assertEquals(NEED_MORE, detect(ascii("GE")));
    assertEquals(NEED_MORE, detect(ascii("HTTP/")));
    assertEquals(OTHER, detect(ascii("get / HTTP/1.1")));
    assertEquals(OTHER, detect(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00})); // a TLS record
    assertEquals(OTHER, detect(Http2PropertyTest.frame(1, 5, 1, new byte[] {(byte) 0x82})),
        "HTTP/2 from mid-connection is found by the frame reader, not here");
    assertEquals(NEED_MORE, Http2Detect.detect(null, 0, 0));
    assertEquals(NEED_MORE, Http2Detect.detect(new byte[4], 5, 3));
  }

  private static Http2Detect.Verdict detect(byte[] b) {
    return Http2Detect.detect(b, 0, b.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
