package io.hybridmesh.agent.l7;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.TcHttpEvent;
import io.hybridmesh.agent.http.HeadStart;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.L7FlowType;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TcHttpFlowAssemblerTest {

  private final TcHttpFlowAssembler assembler =
      new TcHttpFlowAssembler("node-a", "1.0", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);
  private final HeadStart heads = new HeadStart();

  /** 10.1.0.1:40000 (the client, endpoint 1 in FixedEndpoints) to 10.1.0.2:8080. */
  private static final FlowTuple TUPLE =
      new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_TCP, Events.CLIENT_IP, Events.SERVER_IP, 40000, 8080);

  private static TcHttpEvent event(boolean localIsClient, int endpointId, String head) {
    return new TcHttpEvent(HmAbi.CONN_F_PAYLOAD_HTTP | (localIsClient ? HmAbi.CONN_F_LOCAL_INITIATOR : 0),
        endpointId, 1_000_000_000L, 1_000_250_000L, TUPLE, 7, head.getBytes(StandardCharsets.ISO_8859_1),
        "HTTP/1.1 503 Ser".getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void atTheServersInterfaceTheRequestArrivesAndTheAnswerLeaves() {
    TcHttpEvent e = event(false, 2, "GET /health?full=1 HTTP/1.1\r\nHost: api.test\r\n\r\n");
    HeadStart.Request r = heads.request(e.head());
    Flow req = assembler.request(e, r).flow();
    Flow resp = assembler.response(e, r, heads.response(e.statusLine(), e.responseNs())).flow();

    assertEquals(FlowType.L7, req.getType());
    assertEquals(DataPath.EBPF, req.getDataPath());
    assertEquals(EmitterKind.EBPF_TC, req.getEmitter().getKind());
    assertEquals(L7FlowType.REQUEST, req.getL7().getType());
    assertEquals(ObservationPoint.TO_ENDPOINT, req.getObservationPoint());
    assertEquals(Reporter.SERVER, req.getReporter());
    assertEquals(TrafficDirection.INGRESS, req.getTrafficDirection());
    assertEquals("http://api.test/health?full=1", req.getL7().getHttp().getUrl());
    assertEquals("/health", req.getL7().getHttp().getPath());
    assertEquals("10.1.0.1", req.getIp().getSource());
    assertEquals(40000, req.getL4().getTcp().getSourcePort());
    assertEquals(FixedEndpoints.CLIENT, req.getSource(), "the remote end found by its address");
    assertEquals(1, req.getTime().getSeconds());
    assertEquals(0, req.getTime().getNanos());
    assertFalse(req.getIsReply().getValue());

    assertEquals(L7FlowType.RESPONSE, resp.getL7().getType());
    assertEquals(ObservationPoint.FROM_ENDPOINT, resp.getObservationPoint());
    assertEquals(503, resp.getL7().getHttp().getCode());
    assertEquals("/health", resp.getL7().getHttp().getPath(), "the answer repeats its request");
    assertEquals(250_000, resp.getL7().getLatencyNs());
    assertEquals("10.1.0.2", resp.getIp().getSource());
    assertEquals(8080, resp.getL4().getTcp().getSourcePort());
    assertEquals(FixedEndpoints.CLIENT, resp.getDestination());
    assertEquals(250_000, resp.getTime().getNanos());
    assertTrue(resp.getIsReply().getValue());
    assertFalse(req.hasCompleteness() || resp.hasCompleteness(), "a whole head: nothing missing");
  }

  @Test
  void atTheClientsInterfaceTheRequestLeaves() {
    TcHttpEvent e = event(true, 1, "PUT /items/7 HTTP/1.1\r\nHost: api.test\r\n\r\n");
    HeadStart.Request r = heads.request(e.head());
    Flow req = assembler.request(e, r).flow();
    assertEquals(ObservationPoint.FROM_ENDPOINT, req.getObservationPoint());
    assertEquals(Reporter.CLIENT, req.getReporter());
    assertEquals(TrafficDirection.EGRESS, req.getTrafficDirection());
    assertEquals(FixedEndpoints.CLIENT, req.getSource(), "the local endpoint");
    assertEquals(FixedEndpoints.SERVER, req.getDestination());
    Flow resp = assembler.response(e, r, heads.response(e.statusLine(), e.responseNs())).flow();
    assertEquals(ObservationPoint.TO_ENDPOINT, resp.getObservationPoint());
    assertEquals(TrafficDirection.EGRESS, resp.getTrafficDirection(), "the client's exchange, both ways");
  }

  @Test
  void aHeadPastTheKeptBytesSaysWhatWasNotRead() {
    TcHttpEvent cutHeaders = event(false, 2, "GET /x HTTP/1.1\r\nHost: api.test\r\nAccept: tex");
    Flow f = assembler.request(cutHeaders, heads.request(cutHeaders.head())).flow();
    assertFalse(f.getCompleteness().getTruncated());
    assertEquals(TcHttpFlowAssembler.HEAD_START_ONLY, f.getCompleteness().getReason());
    TcHttpEvent cutLine = event(false, 2, "GET /" + "y".repeat(120));
    HeadStart.Request r = heads.request(cutLine.head());
    Flow g = assembler.response(cutLine, r, heads.response(cutLine.statusLine(), 0)).flow();
    assertTrue(g.getCompleteness().getTruncated());
    assertEquals("/" + "y".repeat(120), g.getL7().getHttp().getPath());
  }
}
