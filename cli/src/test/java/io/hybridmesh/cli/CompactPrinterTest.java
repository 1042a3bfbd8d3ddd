package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Int32Value;
import com.google.protobuf.Timestamp;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.GRPC;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.LostEventSource;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.TCPFlags;
import io.hybridmesh.api.flow.v1.UDP;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.Verdict;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CompactPrinterTest {

  static final Instant T = Instant.parse("2024-11-27T06:22:26.473Z");
  private final CompactPrinter p = new CompactPrinter(ZoneOffset.UTC);

  static Flow.Builder base(FlowType type) {
    return Flow.newBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(T.getEpochSecond()).setNanos(T.getNano()))
        .setType(type).setVerdict(Verdict.FORWARDED)
        .setIp(IP.newBuilder().setSource("10.77.0.1").setDestination("10.77.0.2"))
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(40970).setDestinationPort(9443)))
        .setSource(Endpoint.newBuilder().setPodName("hmA"))
        .setDestination(Endpoint.newBuilder().setPodName("hmB"));
  }

  @Test
  void l7Response() {
    Flow f = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(1_100_000)
        .setHttp(HTTP.newBuilder().setMethod("GET").setUrl("https://hmB:9443/api/items").setCode(200)
            .setProtocol("HTTP/1.1"))).setReporter(Reporter.SERVER).build();
    assertEquals("Nov 27 06:22:26.473 hmA/10.77.0.1:40970 -> hmB/10.77.0.2:9443 L7-response FORWARDED"
        + " HTTP/1.1 200 (1.1ms) GET https://hmB:9443/api/items [server]", p.compact(f));
  }

  @Test
  void http2ResponseAndGrpcCalls() {
    HTTP.Builder h2 = HTTP.newBuilder().setMethod("POST").setUrl("https://hmB:9443/shop.v1.Catalog/GetItem")
        .setPath("/shop.v1.Catalog/GetItem").setProtocol("HTTP/2");
    Flow plain = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(1_100_000)
        .setHttp(h2.clone().setCode(200))).build();
    assertTrue(p.compact(plain).endsWith(" HTTP/2 200 (1.1ms) POST https://hmB:9443/shop.v1.Catalog/GetItem"),
        p.compact(plain));
    GRPC.Builder call = GRPC.newBuilder().setService("shop.v1.Catalog").setMethod("GetItem");
    Flow req = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST).setHttp(h2)
        .setGrpc(call)).setReporter(Reporter.CLIENT).build();
    assertTrue(p.compact(req).endsWith(" L7-request FORWARDED HTTP/2 gRPC shop.v1.Catalog/GetItem [client]"),
        p.compact(req));
    Flow resp = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.RESPONSE).setLatencyNs(2_000_000)
        .setHttp(h2.clone().setCode(200)).setGrpc(call.clone().setStatusCode(5).setStatusName("NOT_FOUND")
            .setMessage("no item 7"))).build();
    assertTrue(p.compact(resp).endsWith(
        " L7-response FORWARDED HTTP/2 gRPC 5 NOT_FOUND (2ms) shop.v1.Catalog/GetItem \"no item 7\""),
        p.compact(resp));
  }

  @Test
  void aSidecarsGrpcSampleShowsItsStatusOrThatItIsUnknown() {
    HTTP.Builder h2 = HTTP.newBuilder().setMethod("POST").setPath("/shop.v1.Catalog/Watch").setProtocol("HTTP/2")
        .setCode(200);
    GRPC.Builder call = GRPC.newBuilder().setService("shop.v1.Catalog").setMethod("Watch");
    Flow ended = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.SAMPLE).setLatencyNs(90_000_000_000L)
        .setHttp(h2).setGrpc(call.clone().setStatusCode(1).setStatusName("CANCELLED"))).setReporter(Reporter.CLIENT)
        .build();
    assertTrue(p.compact(ended).endsWith(" L7 FORWARDED HTTP/2 gRPC 1 CANCELLED (90s) shop.v1.Catalog/Watch [client]"),
        p.compact(ended));
    Flow unknown = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.SAMPLE).setLatencyNs(3_000_000)
        .setHttp(h2).setGrpc(call)).build();
    assertTrue(p.compact(unknown).endsWith(" L7 FORWARDED HTTP/2 gRPC ? (3ms) shop.v1.Catalog/Watch"),
        p.compact(unknown));
  }

  @Test
  void l7RequestWithoutUrlUsesHostAndPath() {
    Flow f = base(FlowType.L7).setL7(Layer7.newBuilder().setType(L7FlowType.REQUEST)
        .setHttp(HTTP.newBuilder().setMethod("POST").setHost("backend").setPath("/x"))).build();
    assertTrue(p.compact(f).endsWith(" L7-request FORWARDED POST backend/x"), p.compact(f));
  }

  @Test
  void l4NewConnection() {
    Flow f = base(FlowType.L3_L4)
        .setL4(Layer4.newBuilder().setTcp(TCP.newBuilder().setSourcePort(40970).setDestinationPort(9443)
            .setFlags(TCPFlags.newBuilder().setSYN(true))))
        .setConnection(Connection.newBuilder().setState(ConnectionState.NEW)).build();
    assertEquals("Nov 27 06:22:26.473 hmA/10.77.0.1:40970 -> hmB/10.77.0.2:9443 L3/L4 FORWARDED"
        + " TCP NEW Flags: SYN", p.compact(f));
  }

  @Test
  void l4UsesConnectionFlagsAndShowsDropReason() {
    Flow f = base(FlowType.L3_L4).setVerdict(Verdict.DROPPED).setDropReason(DropReason.CONNECTION_RESET)
        .setConnection(Connection.newBuilder().setState(ConnectionState.RESET)
            .setFlagsToDestination(TCPFlags.newBuilder().setSYN(true).setACK(true).setRST(true))).build();
    assertTrue(p.compact(f).endsWith(" L3/L4 DROPPED TCP RESET Flags: SYN, ACK, RST (CONNECTION_RESET)"),
        p.compact(f));
  }

  @Test
  void endpointsWithNamespaceIpv6AndNoName() {
    Flow f = base(FlowType.L3_L4)
        .setSource(Endpoint.newBuilder().setNamespace("demo").setPodName("frontend"))
        .setDestination(Endpoint.getDefaultInstance())
        .setIp(IP.newBuilder().setSource("10.0.0.1").setDestination("fd00::2"))
        .setL4(Layer4.newBuilder().setUdp(UDP.newBuilder().setSourcePort(5353).setDestinationPort(53)))
        .build();
    assertEquals("demo/frontend/10.0.0.1:5353", CompactPrinter.source(f));
    assertEquals("[fd00::2]:53", CompactPrinter.destination(f));
    assertTrue(p.compact(f).endsWith(" L3/L4 FORWARDED UDP"), p.compact(f));
  }

  @Test
  void tableRowHasTheHeaderColumns() {
    assertTrue(CompactPrinter.TABLE_HEADER.startsWith("TIMESTAMP"));
    String row = p.table(base(FlowType.L3_L4).build());
    assertTrue(row.startsWith("Nov 27 06:22:26.473  hmA/10.77.0.1:40970"), row);
    assertEquals(CompactPrinter.TABLE_HEADER.indexOf("DESTINATION"), row.indexOf("hmB/"));
  }

  @Test
  void lostEventsAndDurations() {
    assertEquals("EVENTS LOST: 12 (" + LostEventSource.values()[1].name() + ", CPU 3)",
        CompactPrinter.lost(LostEvent.newBuilder().setSource(LostEventSource.values()[1])
            .setNumEventsLost(12).setCpu(Int32Value.of(3)).build()));
    assertEquals("850us", CompactPrinter.duration(850_000));
    assertEquals("1.1ms", CompactPrinter.duration(1_100_000));
    assertEquals("2ms", CompactPrinter.duration(2_000_000));
    assertEquals("2.35s", CompactPrinter.duration(2_350_000_000L));
  }
}
