package io.hybridmesh.agent.flow;

import io.hybridmesh.agent.abi.ConnEvent;
import io.hybridmesh.agent.abi.FlowTuple;
import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.Counters;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.Emitter;
import io.hybridmesh.api.flow.v1.EmitterKind;
import io.hybridmesh.api.flow.FlowIds;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Service;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.ICMPv4;
import io.hybridmesh.api.flow.v1.ICMPv6;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.Interface;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.SCTP;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.flow.v1.TCPFlags;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.UDP;
import io.hybridmesh.api.flow.v1.Verdict;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Timestamp;

/**
 * Turns kernel connection events into L3/L4 {@link Flow} records. Pure apart from the clock and id
 * generator; the flow's source is the connection's initiator and its destination the responder.
 */
public final class ConnectionFlowAssembler {

  private static final TCPFlags[] FLAGS = new TCPFlags[256];

  static {
    for (int f = 0; f < 256; f++) {
      FLAGS[f] =
          TCPFlags.newBuilder()
              .setFIN((f & HmAbi.TCP_FIN) != 0)
              .setSYN((f & HmAbi.TCP_SYN) != 0)
              .setRST((f & HmAbi.TCP_RST) != 0)
              .setPSH((f & HmAbi.TCP_PSH) != 0)
              .setACK((f & HmAbi.TCP_ACK) != 0)
              .setURG((f & HmAbi.TCP_URG) != 0)
              .setECE((f & HmAbi.TCP_ECE) != 0)
              .setCWR((f & HmAbi.TCP_CWR) != 0)
              .build();
    }
  }

  private final String nodeName;
  private final Emitter emitter;
  private final EndpointResolver endpoints;
  private final KernelClock clock;

  public ConnectionFlowAssembler(
      String nodeName, String version, EndpointResolver endpoints, KernelClock clock) {
    this.nodeName = nodeName;
    this.emitter =
        Emitter.newBuilder().setName("hybrid-mesh").setVersion(version).setKind(EmitterKind.EBPF_TC).build();
    this.endpoints = endpoints;
    this.clock = clock;
  }

  public Flow assemble(ConnEvent e) {
    FlowTuple t = e.tuple();
    Timestamp time = clock.toTimestamp(e.timestampNs());
    boolean localInitiated = e.localIsInitiator();
    Endpoint local = endpoints.local(e.endpointId());

    Flow.Builder f =
        Flow.newBuilder()
            .setTime(time)
            .setUuid(FlowIds.next(time.getSeconds() * 1000 + time.getNanos() / 1_000_000))
            .setEmitter(emitter)
            .setNodeName(nodeName)
            .setObservationPoint(
                e.packetEgress() ? ObservationPoint.FROM_ENDPOINT : ObservationPoint.TO_ENDPOINT)
            .setDataPath(DataPath.EBPF)
            .setType(FlowType.L3_L4)
            .setVerdict(Verdict.FORWARDED)
            .setReporter(localInitiated ? Reporter.CLIENT : Reporter.SERVER)
            .setTrafficDirection(localInitiated ? TrafficDirection.EGRESS : TrafficDirection.INGRESS)
            .setIp(ip(t))
            .setL4(l4(e));
    if (e.initiatorKnown()) {
      // The record is oriented initiator to responder, so it is never a reply.
      f.setIsReply(BoolValue.of(false));
    }
    Endpoint source = localInitiated && local != null ? local : endpoints.byAddress(t.source());
    Endpoint destination = !localInitiated && local != null ? local : endpoints.byAddress(t.destination());
    if (source != null) {
      f.setSource(source);
    }
    if (destination != null) {
      f.setDestination(destination);
    }
    Service sourceService = endpoints.service(t.source(), t.sourcePort());
    if (sourceService != null) {
      f.setSourceService(sourceService);
    }
    Service destinationService = endpoints.service(t.destination(), t.destinationPort());
    if (destinationService != null) {
      f.setDestinationService(destinationService);
    }
    String ifname = endpoints.interfaceName(e.endpointId(), e.ifindex());
    Interface.Builder iface = Interface.newBuilder().setIndex(e.ifindex());
    if (ifname != null) {
      iface.setName(ifname);
    }
    f.setInterface(iface);
    f.setConnection(connection(e, time));
    DropReason reason = dropReason(e);
    if (reason != DropReason.DROP_REASON_UNKNOWN) {
      f.setDropReason(reason);
    }
    return f.build();
  }

  private static IP ip(FlowTuple t) {
    return IP.newBuilder()
        .setSource(IpAddress.format(t.source()))
        .setDestination(IpAddress.format(t.destination()))
        .setIpVersion(t.isIpv6() ? IPVersion.IPv6 : IPVersion.IPv4)
        .build();
  }

  private static Layer4 l4(ConnEvent e) {
    FlowTuple t = e.tuple();
    Layer4.Builder l4 = Layer4.newBuilder();
    switch (t.protocol()) {
      case HmAbi.IPPROTO_TCP -> l4.setTcp(
          TCP.newBuilder()
              .setSourcePort(t.sourcePort())
              .setDestinationPort(t.destinationPort())
              .setFlags(FLAGS[e.packetTcpFlags()]));
      case HmAbi.IPPROTO_UDP -> l4.setUdp(
          UDP.newBuilder().setSourcePort(t.sourcePort()).setDestinationPort(t.destinationPort()));
      case HmAbi.IPPROTO_SCTP -> l4.setSctp(
          SCTP.newBuilder().setSourcePort(t.sourcePort()).setDestinationPort(t.destinationPort()));
      case HmAbi.IPPROTO_ICMP -> l4.setIcmpv4(
          ICMPv4.newBuilder().setType(e.icmpType()).setCode(e.icmpCode()));
      case HmAbi.IPPROTO_ICMPV6 -> l4.setIcmpv6(
          ICMPv6.newBuilder().setType(e.icmpType()).setCode(e.icmpCode()));
      default -> {
        // Other protocols carry no ports; the IP block says what they are.
      }
    }
    return l4.build();
  }

  private Connection connection(ConnEvent e, Timestamp time) {
    Connection.Builder c =
        Connection.newBuilder()
            .setId(connectionId(e))
            .setState(state(e.state()))
            .setStartTime(clock.toTimestamp(e.firstSeenNs()))
            .setToDestination(counters(e.toResponder()))
            .setToSource(counters(e.toInitiator()))
            .setInitiatorKnown(e.initiatorKnown());
    if (e.tuple().protocol() == HmAbi.IPPROTO_TCP) {
      c.setFlagsToDestination(FLAGS[e.tcpFlagsToResponder()]);
      c.setFlagsToSource(FLAGS[e.tcpFlagsToInitiator()]);
    }
    if (e.ended()) {
      c.setEndTime(time);
    }
    return c.build();
  }

  private static Counters counters(ConnEvent.Traffic t) {
    return Counters.newBuilder()
        .setBytes(t.bytes())
        .setPackets(t.packets())
        .setPayloadBytes(t.payloadBytes())
        .build();
  }

  /** Same for every record about one connection on this node, and different for a reused 5-tuple. */
  static String connectionId(ConnEvent e) {
    long h = e.tuple().hashCode();
    h = h * 0x9E3779B97F4A7C15L + e.endpointId();
    h = h * 0x9E3779B97F4A7C15L + e.firstSeenNs();
    return Long.toHexString(h ^ (h >>> 29));
  }

  private static ConnectionState state(int s) {
    return switch (s) {
      case HmAbi.CONN_NEW -> ConnectionState.NEW;
      case HmAbi.CONN_ACTIVE -> ConnectionState.ACTIVE;
      case HmAbi.CONN_CLOSED -> ConnectionState.CLOSED;
      case HmAbi.CONN_RESET -> ConnectionState.RESET;
      case ConnEvent.STATE_TIMED_OUT -> ConnectionState.TIMED_OUT;
      default -> ConnectionState.CONNECTION_STATE_UNKNOWN;
    };
  }

  /** A reset before the responder ever answered with SYN-ACK is a refused connection. */
  private static DropReason dropReason(ConnEvent e) {
    if (e.state() != HmAbi.CONN_RESET) {
      return DropReason.DROP_REASON_UNKNOWN;
    }
    boolean synAcked = (e.tcpFlagsToInitiator() & HmAbi.TCP_SYN) != 0;
    return synAcked || !e.initiatorKnown() ? DropReason.CONNECTION_RESET : DropReason.CONNECTION_REFUSED;
  }
}
