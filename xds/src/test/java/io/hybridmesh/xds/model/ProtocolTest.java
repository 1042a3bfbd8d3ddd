package io.hybridmesh.xds.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProtocolTest {

  @Test
  void appProtocolFirst() {
    assertEquals(Protocol.GRPC, Protocol.declared("grpc", "web"));
    assertEquals(Protocol.GRPC, Protocol.declared("GRPC", null));
    assertEquals(Protocol.HTTP2, Protocol.declared("http2", "tcp-x"));
    assertEquals(Protocol.HTTP2, Protocol.declared("kubernetes.io/h2c", null));
    assertEquals(Protocol.HTTP, Protocol.declared("http", "grpc"));
    assertEquals(Protocol.HTTP, Protocol.declared("grpc-web", null), "gRPC-Web also travels over HTTP/1.1");
  }

  @Test
  void portNamesByIstiosConvention() {
    assertEquals(Protocol.GRPC, Protocol.declared(null, "grpc"));
    assertEquals(Protocol.GRPC, Protocol.declared(null, "grpc-api"));
    assertEquals(Protocol.GRPC, Protocol.declared("", "grpc-web"), "a name counts up to its first dash");
    assertEquals(Protocol.HTTP2, Protocol.declared(null, "http2"));
    assertEquals(Protocol.HTTP2, Protocol.declared(null, "http2-events"));
    assertEquals(Protocol.HTTP, Protocol.declared(null, "http-web"));
    assertEquals(Protocol.HTTP, Protocol.declared(null, "HTTP"));
    assertEquals(Protocol.TCP, Protocol.declared(null, "grpcx"), "not grpc- but a longer word");
    assertEquals(Protocol.TCP, Protocol.declared(null, "web"));
    assertEquals(Protocol.TCP, Protocol.declared("", null));
  }

  @Test
  void anUnknownAppProtocolFallsBackToThePortNameButANonHttpOneWins() {
    assertEquals(Protocol.GRPC, Protocol.declared("example.com/custom", "grpc-api"));
    assertEquals(Protocol.TCP, Protocol.declared("https", "http"), "TLS the app does itself is TCP to a sidecar");
    assertEquals(Protocol.TCP, Protocol.declared("tcp", "grpc"));
    assertEquals(Protocol.TCP, Protocol.declared(null, "https"));
  }

  @Test
  void http2AndGrpcNeedHttp2Upstream() {
    assertTrue(Protocol.GRPC.needsHttp2Upstream());
    assertTrue(Protocol.HTTP2.needsHttp2Upstream());
    assertFalse(Protocol.HTTP.needsHttp2Upstream());
    assertFalse(Protocol.TCP.speaksHttp());
  }
}
