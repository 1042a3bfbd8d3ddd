package io.hybridmesh.agent.http2;

import static io.hybridmesh.agent.http2.H2Wire.exchanges;
import static io.hybridmesh.agent.http2.H2Wire.feed;
import static io.hybridmesh.agent.http2.H2Wire.grpcRequest;
import static io.hybridmesh.agent.http2.H2Wire.grpcResponse;
import static io.hybridmesh.agent.http2.H2Wire.requests;
import static io.hybridmesh.agent.http2.H2Wire.trailers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.http.Direction;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC over HTTP/2: service and method from the path, the status from trailers, streaming calls. */
class Http2GrpcTest {

  @Test
  void unaryCall() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, grpcRequest("/helloworld.Greeter/SayHello"), false).data(1, 20, true);
    w.server.headers(1, grpcResponse(), false).data(1, 30, false).headers(1, trailers(0, null), true);
    List<Http2Event> events = feed(new Http2Connection(), w.done());
    Http2Request r = requests(events).get(0).request();
    assertTrue(r.grpc());
    assertEquals("helloworld.Greeter", r.grpcService());
    assertEquals("SayHello", r.grpcMethod());
    Http2Exchange x = exchanges(events).get(0);
    assertTrue(x.grpc());
    assertEquals(new GrpcStatus(0, "OK", null, GrpcStatus.Source.TRAILERS), x.grpcStatus());
    assertEquals(20, x.requestBytes());
    assertEquals(30, x.responseBytes());
  }

  @Test
  void trailersOnlyErrorWithPercentEncodedMessage() {
    H2Wire w = new H2Wire(Direction.RECEIVED).handshake();
    w.client.headers(1, grpcRequest("/pkg.v1.Store/Get"), false).data(1, 5, true);
    w.server.headers(1, grpcResponse().add("grpc-status", "5").add("grpc-message", "no%20such%20key%20%E2%9C%93"),
        true);
    Http2Exchange x = exchanges(feed(new Http2Connection(), w.done())).get(0);
    assertEquals(new GrpcStatus(5, "NOT_FOUND", "no such key \u2713", GrpcStatus.Source.TRAILERS_ONLY), x.grpcStatus());
    assertEquals("pkg.v1.Store", x.request().grpcService());
  }

  @Test
  void streamingCallsEndAtTheirTrailers() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    // Three calls at once: server streaming, client streaming, bidi; interleaved.
    w.client.headers(1, grpcRequest("/feed.Feed/Watch"), false).data(1, 10, true);
    w.client.headers(3, grpcRequest("/up.Up/Push"), false).data(3, 7, false);
    w.client.headers(5, grpcRequest("/chat.Chat/Talk"), false).data(5, 1, false);
    w.server.headers(1, grpcResponse(), false).data(1, 100, false);
    w.server.headers(5, grpcResponse(), false).data(5, 2, false);
    for (int i = 0; i < 5; i++) {
      w.client.data(3, 7, false).data(5, 1, false);
      w.server.data(1, 100, false).data(5, 2, false);
    }
    w.client.data(3, 7, true).data(5, 1, true);
    w.server.headers(3, grpcResponse(), false).data(3, 4, false).headers(3, trailers(0, null), true);
    w.server.headers(5, trailers(13, "boom"), true);
    w.server.headers(1, trailers(4, null), true);
    List<Http2Event> events = feed(new Http2Connection(), w.done());
    List<Http2Exchange> xs = exchanges(events);
    assertEquals(List.of(3, 5, 1), xs.stream().map(Http2Exchange::streamId).toList());
    Http2Exchange up = xs.get(0);
    assertEquals(7 * 7, up.requestBytes());
    assertEquals("OK", up.grpcStatus().name());
    Http2Exchange chat = xs.get(1);
    assertEquals(7, chat.requestBytes());
    assertEquals(12, chat.responseBytes());
    assertEquals(new GrpcStatus(13, "INTERNAL", "boom", GrpcStatus.Source.TRAILERS), chat.grpcStatus());
    Http2Exchange watch = xs.get(2);
    assertEquals(600, watch.responseBytes());
    assertEquals("DEADLINE_EXCEEDED", watch.grpcStatus().name());
    assertTrue(watch.durationNs() > watch.latencyNs(), "a stream lasts longer than its first response");
  }

  @Test
  void statusWithoutGrpcStatus() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, grpcRequest("/a.A/Cancelled"), false).data(1, 5, false).rst(1, 0x8);
    w.client.headers(3, grpcRequest("/a.A/Refused"), true);
    w.server.rst(3, 0x7);
    w.client.headers(5, grpcRequest("/a.A/Gateway"), true);
    w.server.headers(5, new DefaultHttp2Headers().status("503").add("content-type", "text/html"), false)
        .data(5, 10, true);
    w.client.headers(7, grpcRequest("/a.A/Missing"), true);
    w.server.headers(7, grpcResponse(), false).data(7, 3, true);
    List<Http2Exchange> xs = exchanges(feed(new Http2Connection(), w.done()));
    assertEquals(new GrpcStatus(1, "CANCELLED", null, GrpcStatus.Source.RST_STREAM), xs.get(0).grpcStatus());
    assertEquals(new GrpcStatus(14, "UNAVAILABLE", null, GrpcStatus.Source.RST_STREAM), xs.get(1).grpcStatus());
    assertEquals(new GrpcStatus(14, "UNAVAILABLE", null, GrpcStatus.Source.HTTP_STATUS), xs.get(2).grpcStatus());
    assertEquals(new GrpcStatus(2, "UNKNOWN", null, GrpcStatus.Source.MISSING), xs.get(3).grpcStatus());
  }

  @Test
  void messageIsBoundedAndMalformedEscapesKept() {
    H2Wire w = new H2Wire(Direction.SENT).handshake();
    w.client.headers(1, grpcRequest("/a.A/B"), true);
    w.server.headers(1, grpcResponse().add("grpc-status", "3").add("grpc-message", "100% %zz " + "x".repeat(2000)),
        true);
    Http2Exchange x = exchanges(feed(new Http2Connection(), w.done())).get(0);
    assertEquals(3, x.grpcStatus().code());
    assertTrue(x.grpcStatus().message().startsWith("100% %zz xxx"));
    assertEquals(Http2Limits.DEFAULT.maxGrpcMessageBytes(), x.grpcStatus().message().length());
  }
}
