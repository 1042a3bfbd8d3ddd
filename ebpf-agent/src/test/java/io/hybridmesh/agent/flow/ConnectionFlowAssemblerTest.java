package io.hybridmesh.agent.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.testing.Events;
import io.hybridmesh.agent.testing.FixedEndpoints;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Verdict;
import org.junit.jupiter.api.Test;

class ConnectionFlowAssemblerTest {

  private final ConnectionFlowAssembler assembler = new ConnectionFlowAssembler(
      "node-a", "1.2.3", new FixedEndpoints(), FixedEndpoints.IDENTITY_CLOCK);

  @Test
  void clientSideTcpConnection() {
    Flow f = assembler.assemble(Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN));

    assertEquals("node-a", f.getNodeName());
    assertEquals(EmitterKind.EBPF_TC, f.getEmitter().getKind());
    assertEquals("1.2.3", f.getEmitter().getVersion());
    assertEquals(DataPath.EBPF, f.getDataPath());
    assertEquals(FlowType.L3_L4, f.getType());
    assertEquals(Verdict.FORWARDED, f.getVerdict());
    assertEquals(ObservationPoint.FROM_ENDPOINT, f.getObservationPoint());
    assertEquals(Reporter.CLIENT, f.getReporter());
    assertEquals(TrafficDirection.EGRESS, f.getTrafficDirection());
    assertFalse(f.getIsReply().getValue());
    assertEquals("10.1.0.1", f.getIp().getSource());
    assertEquals("10.1.0.2", f.getIp().getDestination());
    assertEquals(IPVersion.IPv4, f.getIp().getIpVersion());
    assertEquals(40000, f.getL4().getTcp().getSourcePort());
    assertEquals(80, f.getL4().getTcp().getDestinationPort());
    assertTrue(f.getL4().getTcp().getFlags().getSYN());
    assertFalse(f.getL4().getTcp().getFlags().getACK());
    assertEquals("client", f.getSource().getPodName());
    assertEquals("server", f.getDestination().getPodName());
    assertEquals("eth0", f.getInterface().getName());
    assertEquals(ConnectionState.NEW, f.getConnection().getState());
    assertEquals(500, f.getConnection().getToDestination().getBytes());
    assertEquals(4, f.getConnection().getToSource().getPackets());
    assertEquals(1300, f.getConnection().getToSource().getPayloadBytes());
    assertEquals(1, f.getConnection().getStartTime().getSeconds());
    assertEquals(2, f.getTime().getSeconds());
    assertFalse(f.getConnection().hasEndTime());
    assertEquals(36, f.getUuid().length());
  }

  @Test
  void serverSideSeesIngressAndNamesTheLocalEndpointAsDestination() {
    FlowTuple t = Events.tcp(new byte[] {10, 9, 9, 9}, 5555, Events.CLIENT_IP, 80);
    Flow f = assembler.assemble(
        Events.event(HmAbi.CONN_CLOSED, HmAbi.CONN_F_INITIATOR_KNOWN, t, HmAbi.TCP_FIN, false));

    assertEquals(Reporter.SERVER, f.getReporter());
    assertEquals(TrafficDirection.INGRESS, f.getTrafficDirection());
    assertEquals(ObservationPoint.TO_ENDPOINT, f.getObservationPoint());
    assertEquals("client", f.getDestination().getPodName());
    assertFalse(f.hasSource(), "an unknown peer has no endpoint");
    assertEquals(ConnectionState.CLOSED, f.getConnection().getState());
    assertEquals(f.getTime(), f.getConnection().getEndTime());
  }

  @Test
  void resetBeforeSynAckIsARefusedConnection() {
    ConnEvent refused = new ConnEvent(HmAbi.CONN_RESET,
        HmAbi.CONN_F_INITIATOR_KNOWN | HmAbi.CONN_F_LOCAL_INITIATOR, 1, 2, 1,
        Events.tcp(Events.CLIENT_IP, 40000, Events.SERVER_IP, 81), new ConnEvent.Traffic(60, 1, 0),
        new ConnEvent.Traffic(40, 1, 0), 7, HmAbi.TCP_RST | HmAbi.TCP_ACK, false, false,
        HmAbi.TCP_SYN, HmAbi.TCP_RST | HmAbi.TCP_ACK, 0, 0);
    assertEquals(DropReason.CONNECTION_REFUSED, assembler.assemble(refused).getDropReason());

    ConnEvent reset = Events.clientTcp(HmAbi.CONN_RESET, HmAbi.TCP_RST);
    assertEquals(DropReason.CONNECTION_RESET, assembler.assemble(reset).getDropReason());
    assertEquals(DropReason.DROP_REASON_UNKNOWN,
        assembler.assemble(Events.clientTcp(HmAbi.CONN_CLOSED, HmAbi.TCP_FIN)).getDropReason());
  }

  @Test
  void guessedInitiatorLeavesReplyUnknown() {
    Flow f = assembler.assemble(Events.event(HmAbi.CONN_NEW, HmAbi.CONN_F_LOCAL_INITIATOR,
        Events.tcp(Events.CLIENT_IP, 40000, Events.SERVER_IP, 80), HmAbi.TCP_ACK, true));
    assertFalse(f.hasIsReply());
    assertFalse(f.getConnection().getInitiatorKnown());
  }

  @Test
  void udpIcmpAndIpv6() {
    byte[] v6a = new byte[16];
    byte[] v6b = new byte[16];
    v6a[0] = (byte) 0xfd;
    v6a[15] = 1;
    v6b[0] = (byte) 0xfd;
    v6b[15] = 2;
    Flow udp = assembler.assemble(Events.event(HmAbi.CONN_NEW, HmAbi.CONN_F_LOCAL_INITIATOR,
        new FlowTuple(HmAbi.AF_INET6, HmAbi.IPPROTO_UDP, v6a, v6b, 5353, 53), 0, true));
    assertEquals(IPVersion.IPv6, udp.getIp().getIpVersion());
    assertEquals("fd00::1", udp.getIp().getSource());
    assertEquals(53, udp.getL4().getUdp().getDestinationPort());
    assertFalse(udp.getConnection().hasFlagsToDestination(), "TCP flags only for TCP");

    ConnEvent echo = new ConnEvent(HmAbi.CONN_NEW, HmAbi.CONN_F_INITIATOR_KNOWN, 1, 2, 1,
        new FlowTuple(HmAbi.AF_INET, HmAbi.IPPROTO_ICMP, Events.CLIENT_IP, Events.SERVER_IP, 9, 9),
        new ConnEvent.Traffic(84, 1, 56), new ConnEvent.Traffic(0, 0, 0), 7, 0, true, true, 0, 0, 8, 0);
    Flow icmp = assembler.assemble(echo);
    assertEquals(8, icmp.getL4().getIcmpv4().getType());
  }

  @Test
  void connectionIdIsStablePerConnectionAndDiffersOnReuse() {
    ConnEvent open = Events.clientTcp(HmAbi.CONN_NEW, HmAbi.TCP_SYN);
    ConnEvent close = Events.clientTcp(HmAbi.CONN_CLOSED, HmAbi.TCP_FIN);
    assertEquals(assembler.assemble(open).getConnection().getId(),
        assembler.assemble(close).getConnection().getId());
    ConnEvent reused = new ConnEvent(open.state(), open.connFlags(), open.endpointId(), 9_000_000_000L,
        8_000_000_000L, open.tuple(), open.toResponder(), open.toInitiator(), open.ifindex(),
        open.packetTcpFlags(), true, true, 0, 0, 0, 0);
    assertNotEquals(assembler.assemble(open).getConnection().getId(),
        assembler.assemble(reused).getConnection().getId());
  }
}
