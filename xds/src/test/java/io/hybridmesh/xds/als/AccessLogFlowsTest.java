package io.hybridmesh.xds.als;

import static io.hybridmesh.xds.testing.AccessLogFixtures.FRONTEND_POD;
import static io.hybridmesh.xds.testing.AccessLogFixtures.START_MILLIS;
import static io.hybridmesh.xds.testing.AccessLogFixtures.address;
import static io.hybridmesh.xds.testing.AccessLogFixtures.identifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import com.google.protobuf.util.Timestamps;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogType;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.data.accesslog.v3.TLSProperties;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.xds.testing.AccessLogFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogFlowsTest {

  private static final long NOW = 1_800_000_000_000L;
  private final AccessLogFlows flows = new AccessLogFlows(() -> NOW);
  private final AccessLogOrigin outbound = AccessLogOrigin.of(identifier(AccessLogFixtures.NODE_ID, "outbound-http"),
      FRONTEND_POD);
  private final AccessLogOrigin inbound = AccessLogOrigin.of(identifier(AccessLogFixtures.NODE_ID, "inbound-tcp"),
      FRONTEND_POD);

  @Test
  void outboundHttpEntryBecomesAnL7SampleOnTheWireTuple() {
    Flow flow = flows.http(AccessLogFixtures.outboundGet(), outbound);
    assertEquals(FlowType.L7, flow.getType());
    assertEquals(DataPath.SIDECAR, flow.getDataPath());
    assertEquals(ObservationPoint.ENVOY_OUTBOUND, flow.getObservationPoint());
    assertEquals(Reporter.CLIENT, flow.getReporter());
    assertEquals(TrafficDirection.EGRESS, flow.getTrafficDirection());
    assertEquals(EmitterKind.ENVOY_ALS, flow.getEmitter().getKind());
    assertEquals("1.34.1", flow.getEmitter().getVersion());
    assertEquals("node-a", flow.getNodeName());
    assertEquals(START_MILLIS, Timestamps.toMillis(flow.getTime()));
    assertEquals(36, flow.getUuid().length());
    assertEquals(Verdict.FORWARDED, flow.getVerdict());
    assertEquals("10.1.0.7", flow.getIp().getSource());
    assertEquals("10.1.1.4", flow.getIp().getDestination());
    assertEquals("10.96.0.20", flow.getIp().getDestinationOriginal());
    assertEquals(IPVersion.IPv4, flow.getIp().getIpVersion());
    assertEquals(43210, flow.getL4().getTcp().getSourcePort());
    assertEquals(8080, flow.getL4().getTcp().getDestinationPort());
    assertEquals("frontend-7d4f9-abcde", flow.getSource().getPodName());
    assertEquals("frontend", flow.getSource().getWorkloads(0).getName());
    assertEquals("catalog", flow.getDestinationService().getName());
    assertEquals("shop", flow.getDestinationService().getNamespace());
    var l7 = flow.getL7();
    assertEquals(L7FlowType.SAMPLE, l7.getType());
    assertEquals(5_000_000, l7.getLatencyNs());
    assertEquals("GET", l7.getHttp().getMethod());
    assertEquals(200, l7.getHttp().getCode());
    assertEquals("HTTP/1.1", l7.getHttp().getProtocol());
    assertEquals("catalog", l7.getHttp().getHost());
    assertEquals("/items?page=2", l7.getHttp().getPath());
    assertEquals("http://catalog/items?page=2", l7.getHttp().getUrl());
    assertEquals(512, l7.getHttp().getResponseBodyBytes());
    assertTrue(l7.getHttp().getHeadersList().stream()
        .anyMatch(h -> h.getKey().equals("authorization") && h.getValue().equals(AccessLogFlows.REDACTED)));
    assertTrue(l7.getHttp().getHeadersList().stream()
        .anyMatch(h -> h.getKey().equals("x-tenant") && h.getValue().equals("blue")));
    assertEquals(3_000_000, flow.getEnvoy().getUpstreamServiceTimeNs());
    assertEquals("10.1.1.4:8080", flow.getEnvoy().getUpstreamHost());
    assertFalse(flow.hasCompleteness());
  }

  @Test
  void inboundTcpEntryBecomesAClosedConnectionWithCounters() {
    Flow flow = flows.tcp(AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd), inbound);
    assertEquals(FlowType.L3_L4, flow.getType());
    assertEquals(ObservationPoint.ENVOY_INBOUND, flow.getObservationPoint());
    assertEquals(Reporter.SERVER, flow.getReporter());
    assertEquals(TrafficDirection.INGRESS, flow.getTrafficDirection());
    assertEquals("10.1.9.9", flow.getIp().getSource());
    assertEquals("10.1.0.7", flow.getIp().getDestination());
    assertEquals(9000, flow.getL4().getTcp().getDestinationPort());
    assertEquals("frontend-7d4f9-abcde", flow.getDestination().getPodName());
    var connection = flow.getConnection();
    assertEquals(ConnectionState.CLOSED, connection.getState());
    assertEquals(1000, connection.getToDestination().getPayloadBytes());
    assertEquals(250, connection.getToSource().getPayloadBytes());
    assertEquals(START_MILLIS + 30_000, Timestamps.toMillis(connection.getEndTime()));
    assertEquals("envoy:tcp-1", connection.getId());
  }

  @Test
  void periodicReportsOfALongConnectionAreActive() {
    Flow flow = flows.tcp(AccessLogFixtures.inboundTcp(AccessLogType.TcpPeriodic), inbound);
    assertEquals(ConnectionState.ACTIVE, flow.getConnection().getState());
    assertFalse(flow.getConnection().hasEndTime());
  }

  @Test
  void envoysLoopbackSideIsReplacedByThePodIpOfTheSameFamily() {
    var v4 = AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd).toBuilder();
    v4.getCommonPropertiesBuilder().setDownstreamLocalAddress(address("127.0.0.1", 9000));
    assertEquals("10.1.0.7", flows.tcp(v4.build(), inbound).getIp().getDestination());
    var v6 = AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd).toBuilder();
    v6.getCommonPropertiesBuilder().setDownstreamRemoteAddress(address("fd00::9", 40000))
        .setDownstreamLocalAddress(address("::1", 9000));
    Flow flow = flows.tcp(v6.build(), inbound);
    assertEquals("fd00::7", flow.getIp().getDestination());
    assertEquals(IPVersion.IPv6, flow.getIp().getIpVersion());
    var out = AccessLogFixtures.outboundGet().toBuilder();
    out.getCommonPropertiesBuilder().setUpstreamLocalAddress(address("127.0.0.6", 1234))
        .setDownstreamRemoteAddress(address("127.0.0.1", 51000));
    assertEquals("10.1.0.7", flows.http(out.build(), outbound).getIp().getSource());
  }

  @Test
  void ipv4MappedAddressesOfADualStackListenerBecomeIpv4() {
    // Envoy listening on [::] with ipv4_compat reports IPv4 peers as IPv4-mapped IPv6.
    var in = AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd).toBuilder();
    in.getCommonPropertiesBuilder().setDownstreamDirectRemoteAddress(address("::ffff:10.1.9.9", 40000))
        .setDownstreamRemoteAddress(address("::ffff:10.1.9.9", 40000))
        .setDownstreamLocalAddress(address("::FFFF:10.1.0.7", 9000));
    Flow flow = flows.tcp(in.build(), inbound);
    assertEquals("10.1.9.9", flow.getIp().getSource());
    assertEquals("10.1.0.7", flow.getIp().getDestination());
    assertEquals(IPVersion.IPv4, flow.getIp().getIpVersion());

    var out = AccessLogFixtures.outboundGet().toBuilder();
    out.getCommonPropertiesBuilder().setUpstreamRemoteAddress(address("::ffff:10.1.1.4", 8080))
        .setUpstreamLocalAddress(address("::ffff:127.0.0.6", 1234))
        .setDownstreamRemoteAddress(address("::ffff:127.0.0.1", 51000));
    flow = flows.http(out.build(), outbound);
    assertEquals("10.1.0.7", flow.getIp().getSource(), "a mapped loopback is still Envoy's own side");
    assertEquals("10.1.1.4", flow.getIp().getDestination());
    assertEquals("10.1.1.4:8080", flow.getEnvoy().getUpstreamHost());

    var v6 = AccessLogFixtures.outboundGet().toBuilder();
    v6.getCommonPropertiesBuilder().setUpstreamRemoteAddress(address("fd00::4", 8080));
    assertEquals("[fd00::4]:8080", flows.http(v6.build(), outbound).getEnvoy().getUpstreamHost());
  }

  @Test
  void responseFlagsDecideVerdictAndDropReason() {
    var failed = AccessLogFixtures.outboundGet().toBuilder();
    failed.getCommonPropertiesBuilder().setResponseFlags(ResponseFlags.newBuilder()
        .setUpstreamConnectionFailure(true).setUpstreamRetryLimitExceeded(true));
    Flow flow = flows.http(failed.build(), outbound);
    assertEquals(Verdict.ERROR, flow.getVerdict());
    assertEquals(DropReason.UPSTREAM_CONNECT_FAILURE, flow.getDropReason());
    assertEquals("UF,URX", flow.getDropReasonDesc());
    assertEquals(List.of("UF", "URX"), flow.getEnvoy().getResponseFlagsList());

    var noRoute = AccessLogFixtures.outboundGet().toBuilder();
    noRoute.getCommonPropertiesBuilder().setResponseFlags(ResponseFlags.newBuilder().setNoRouteFound(true)
        .setDownstreamConnectionTermination(true));
    Flow dropped = flows.http(noRoute.build(), outbound);
    assertEquals(Verdict.DROPPED, dropped.getVerdict());
    assertEquals(DropReason.NO_ROUTE, dropped.getDropReason());

    var reset = AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd).toBuilder();
    reset.getCommonPropertiesBuilder().setResponseFlags(ResponseFlags.newBuilder().setUpstreamRemoteReset(true));
    assertEquals(ConnectionState.RESET, flows.tcp(reset.build(), inbound).getConnection().getState());
  }

  @Test
  void tlsPropertiesFillTheTlsBlock() {
    var tls = AccessLogFixtures.outboundGet().toBuilder();
    tls.getCommonPropertiesBuilder().setTlsProperties(TLSProperties.newBuilder()
        .setTlsVersion(TLSProperties.TLSVersion.TLSv1_3)
        .setTlsCipherSuite(UInt32Value.of(0x1301))
        .setTlsSniHostname("catalog.shop")
        .setPeerCertificateProperties(TLSProperties.CertificateProperties.newBuilder()
            .addSubjectAltName(TLSProperties.CertificateProperties.SubjectAltName.newBuilder()
                .setUri("spiffe://cluster.local/ns/shop/sa/web"))));
    var block = flows.http(tls.build(), outbound).getTls();
    assertEquals("TLSv1.3", block.getVersion());
    assertEquals("TLS_AES_128_GCM_SHA256", block.getCipher());
    assertEquals("catalog.shop", block.getSni());
    assertEquals(List.of("spiffe://cluster.local/ns/shop/sa/web"), block.getPeerSansList());
    assertTrue(block.getMtls());
  }

  @Test
  void anEmptyEntryGivesAPartialFlowStampedWithTheClock() {
    Flow flow = flows.http(HTTPAccessLogEntry.getDefaultInstance(), outbound);
    assertEquals(NOW, Timestamps.toMillis(flow.getTime()));
    assertTrue(flow.getCompleteness().getPartial());
    assertFalse(flow.hasIp());
    assertEquals("", flow.getL7().getHttp().getMethod());
  }

  @Test
  void aLogNameOfAnotherShapeFallsBackToTheUpstreamCluster() {
    AccessLogOrigin handWritten = AccessLogOrigin.of(identifier(AccessLogFixtures.NODE_ID, "my-logger"), FRONTEND_POD);
    assertEquals(ObservationPoint.ENVOY_OUTBOUND,
        flows.http(AccessLogFixtures.outboundGet(), handWritten).getObservationPoint());
    assertEquals(ObservationPoint.ENVOY_INBOUND,
        flows.tcp(AccessLogFixtures.inboundTcp(AccessLogType.TcpConnectionEnd), handWritten).getObservationPoint());
  }
}
