package io.hybridmesh.xds.als;

import static io.hybridmesh.xds.testing.AccessLogFixtures.FRONTEND_POD;
import static io.hybridmesh.xds.testing.AccessLogFixtures.identifier;
import static io.hybridmesh.xds.testing.AccessLogFixtures.outboundGrpc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.GRPC;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.xds.testing.AccessLogFixtures;
import org.junit.jupiter.api.Test;

/** gRPC calls as the sidecar's Envoy logs them, to the same {@code grpc} record the eBPF path fills. */
class AccessLogGrpcFlowsTest {

  private static final String CHARGE = "/billing.v1.Payments/Charge";
  private final AccessLogFlows flows = new AccessLogFlows(() -> 1_800_000_000_000L);
  private final AccessLogOrigin outbound = AccessLogOrigin.of(identifier(AccessLogFixtures.NODE_ID, "outbound-http"),
      FRONTEND_POD);

  private Flow flow(HTTPAccessLogEntry.Builder entry) {
    return flows.http(entry.build(), outbound);
  }

  private static String source(Flow f) {
    return f.getExtensionsOrDefault(AccessLogGrpc.SOURCE_EXTENSION, "");
  }

  @Test
  void aUnaryCallThatEndsInTrailersGivesHttp2AndTheGrpcRecord() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().putResponseTrailers("grpc-status", "0");
    Flow f = flow(entry);
    assertEquals(L7FlowType.SAMPLE, f.getL7().getType());
    assertEquals("HTTP/2", f.getL7().getHttp().getProtocol());
    assertEquals("POST", f.getL7().getHttp().getMethod());
    assertEquals(CHARGE, f.getL7().getHttp().getPath());
    assertEquals(200, f.getL7().getHttp().getCode());
    assertTrue(f.getL7().getHttp().getHeadersList().stream()
        .anyMatch(h -> h.getKey().equals("content-type") && h.getValue().equals("application/grpc")));
    GRPC g = f.getL7().getGrpc();
    assertEquals("billing.v1.Payments", g.getService());
    assertEquals("Charge", g.getMethod());
    assertEquals(0, g.getStatusCode());
    assertEquals("OK", g.getStatusName());
    assertEquals("", g.getMessage());
    assertEquals("trailers", source(f));
    assertFalse(f.hasCompleteness(), "a whole call");
    assertEquals("payments", f.getDestinationService().getName());
  }

  @Test
  void anErrorInTheTrailersWithItsPercentEncodedMessage() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().putResponseTrailers("grpc-status", "5")
        .putResponseTrailers("grpc-message", "no card %E2%80%9C42%E2%80%9D: 100%25 sure");
    GRPC g = flow(entry).getL7().getGrpc();
    assertEquals(5, g.getStatusCode());
    assertEquals("NOT_FOUND", g.getStatusName());
    assertEquals("no card \u201c42\u201d: 100% sure", g.getMessage());
  }

  @Test
  void aTrailersOnlyResponseCarriesItsStatusInTheHeaders() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().setResponseBodyBytes(0).putResponseHeaders("grpc-status", "14")
        .putResponseHeaders("grpc-message", "no healthy upstream");
    Flow f = flow(entry);
    assertEquals("UNAVAILABLE", f.getL7().getGrpc().getStatusName());
    assertEquals("no healthy upstream", f.getL7().getGrpc().getMessage());
    assertEquals("trailers_only", source(f));
  }

  @Test
  void theTrailersWinOverAStatusInTheHeaders() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().putResponseHeaders("grpc-status", "2").putResponseTrailers("grpc-status", "0");
    Flow f = flow(entry);
    assertEquals("OK", f.getL7().getGrpc().getStatusName());
    assertEquals("trailers", source(f));
  }

  @Test
  void withoutGrpcStatusANon200IsMappedAsClientsMapIt() {
    var unavailable = outboundGrpc(CHARGE);
    unavailable.getResponseBuilder().setResponseCode(UInt32Value.of(503));
    Flow f = flow(unavailable);
    assertEquals(14, f.getL7().getGrpc().getStatusCode());
    assertEquals("UNAVAILABLE", f.getL7().getGrpc().getStatusName());
    assertEquals("http_status", source(f));
    var missing = outboundGrpc("/billing.v1.Payments/Refund");
    missing.getResponseBuilder().setResponseCode(UInt32Value.of(404));
    assertEquals("UNIMPLEMENTED", flow(missing).getL7().getGrpc().getStatusName());
  }

  @Test
  void a200WithoutGrpcStatusIsNotGuessed() {
    // The client cancelled the stream after the response headers: Envoy logs 200, no trailers, flag DR.
    var entry = outboundGrpc(CHARGE);
    entry.getCommonPropertiesBuilder().setResponseFlags(ResponseFlags.newBuilder().setDownstreamRemoteReset(true));
    Flow f = flow(entry);
    assertTrue(f.getL7().hasGrpc());
    assertEquals("billing.v1.Payments", f.getL7().getGrpc().getService());
    assertEquals("", f.getL7().getGrpc().getStatusName(), "unknown, not OK");
    assertEquals("", source(f));
    assertEquals(AccessLogGrpc.STATUS_NOT_SEEN, f.getCompleteness().getReason());
    assertFalse(f.getCompleteness().getPartial(), "the request was answered");
  }

  @Test
  void aMalformedGrpcStatusIsNoStatus() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().putResponseTrailers("grpc-status", "OK");
    Flow f = flow(entry);
    assertEquals("", f.getL7().getGrpc().getStatusName());
    assertEquals(AccessLogGrpc.STATUS_NOT_SEEN, f.getCompleteness().getReason());
  }

  @Test
  void aStreamingCallIsOneEntryAtItsEndWithTheStreamsDuration() {
    var entry = outboundGrpc("/billing.v1.Payments/WatchCharges");
    entry.getCommonPropertiesBuilder().setTimeToLastDownstreamTxByte(Durations.fromSeconds(90))
        .setDuration(Durations.fromSeconds(90));
    entry.getResponseBuilder().setResponseBodyBytes(64_000).putResponseTrailers("grpc-status", "1")
        .putResponseTrailers("grpc-message", "client went away");
    Flow f = flow(entry);
    assertEquals("WatchCharges", f.getL7().getGrpc().getMethod());
    assertEquals("CANCELLED", f.getL7().getGrpc().getStatusName());
    assertEquals(90_000_000_000L, f.getL7().getLatencyNs());
    assertEquals(64_000, f.getL7().getHttp().getResponseBodyBytes());
  }

  @Test
  void http2WithoutGrpcHasNoGrpcRecord() {
    var entry = outboundGrpc("/api/v1/charges");
    entry.getRequestBuilder().setRequestMethod(io.envoyproxy.envoy.config.core.v3.RequestMethod.GET)
        .putRequestHeaders("content-type", "application/json");
    Flow f = flow(entry);
    assertEquals("HTTP/2", f.getL7().getHttp().getProtocol());
    assertFalse(f.getL7().hasGrpc());
    assertFalse(f.containsExtensions(AccessLogGrpc.SOURCE_EXTENSION));
    assertFalse(f.hasCompleteness());
  }

  @Test
  void aGrpcStatusAloneMakesACallAndAnOddPathLeavesServiceAndMethodEmpty() {
    var entry = outboundGrpc("/health");
    entry.getRequestBuilder().removeRequestHeaders("content-type");
    entry.getResponseBuilder().putResponseTrailers("Grpc-Status", "12");
    GRPC g = flow(entry).getL7().getGrpc();
    assertEquals("UNIMPLEMENTED", g.getStatusName(), "a hand-written config may log names in any case");
    assertEquals("", g.getService());
    assertEquals("", g.getMethod());
  }

  @Test
  void aHugeMessageIsCutAndTheFlowSaysSo() {
    var entry = outboundGrpc(CHARGE);
    entry.getResponseBuilder().putResponseTrailers("grpc-status", "13")
        .putResponseTrailers("grpc-message", "x".repeat(100_000));
    Flow f = flow(entry);
    assertEquals(AccessLogGrpc.MAX_MESSAGE_CHARS, f.getL7().getGrpc().getMessage().length());
    assertTrue(f.getCompleteness().getTruncated());
    assertEquals(Verdict.FORWARDED, f.getVerdict());
  }
}
