package io.hybridmesh.xds.als;

import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.IP;
import io.hybridmesh.api.flow.v1.IPVersion;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.ObservationPoint;
import io.hybridmesh.api.flow.v1.TCP;
import io.hybridmesh.api.net.IpAddress;
import java.util.List;

/**
 * The flow's addresses: the connection as it crosses the pod's network interface, which is what the peer's
 * own observer (an eBPF agent, another sidecar) sees, so records from both ends can be joined.
 *
 * <ul>
 *   <li>Outbound: Envoy's upstream connection, from the pod to the chosen endpoint; the Service VIP the
 *       application dialled (downstream local, restored by original_dst) goes to
 *       {@code ip.destination_original} when it differs.
 *   <li>Inbound: the downstream connection, from the physical peer to the restored original destination.
 * </ul>
 *
 * Where Envoy reports a loopback or unspecified address for the pod's own side (127.0.0.1, 127.0.0.6,
 * 0.0.0.0: its end of the iptables redirect), the pod's IP of the same family replaces it.
 *
 * <p>This is where access-log entries become flows, so addresses are normalized here, as the agent's
 * decoders do for kernel events: a listener on {@code [::]} reports an IPv4 peer as
 * {@code ::ffff:10.0.0.5}, and the flow says {@code 10.0.0.5}, the address endpoint lookups and
 * {@code --ip} filters know.
 */
final class FlowAddresses {

  private record HostPort(String ip, int port) {
    static final HostPort NONE = new HostPort("", 0);

    static HostPort of(Address address) {
      if (!address.hasSocketAddress()) {
        return NONE;
      }
      return new HostPort(IpAddress.normalize(address.getSocketAddress().getAddress()),
          address.getSocketAddress().getPortValue());
    }

    boolean present() {
      return !ip.isEmpty();
    }
  }

  private FlowAddresses() {}

  static void fill(Flow.Builder flow, AccessLogCommon common, ObservationPoint point, List<String> podIps) {
    HostPort source;
    HostPort destination;
    HostPort original = HostPort.NONE;
    if (point == ObservationPoint.ENVOY_OUTBOUND) {
      HostPort upstreamLocal = HostPort.of(common.getUpstreamLocalAddress());
      source = upstreamLocal.present() && !isLocalOnly(upstreamLocal.ip())
          ? upstreamLocal : HostPort.of(common.getDownstreamRemoteAddress());
      HostPort upstreamRemote = HostPort.of(common.getUpstreamRemoteAddress());
      HostPort dialled = HostPort.of(common.getDownstreamLocalAddress());
      destination = upstreamRemote.present() ? upstreamRemote : dialled;
      if (dialled.present() && !dialled.ip().equals(destination.ip())) {
        original = dialled;
      }
      source = podSide(source, podIps);
    } else {
      HostPort direct = HostPort.of(common.getDownstreamDirectRemoteAddress());
      source = direct.present() ? direct : HostPort.of(common.getDownstreamRemoteAddress());
      destination = podSide(HostPort.of(common.getDownstreamLocalAddress()), podIps);
    }
    if (!source.present() && !destination.present()) {
      return;
    }
    IP.Builder ip = IP.newBuilder().setSource(source.ip()).setDestination(destination.ip())
        .setIpVersion(version(destination.present() ? destination.ip() : source.ip()));
    if (original.present()) {
      ip.setDestinationOriginal(original.ip());
    }
    flow.setIp(ip);
    flow.setL4(Layer4.newBuilder().setTcp(TCP.newBuilder()
        .setSourcePort(source.port()).setDestinationPort(destination.port())));
  }

  private static HostPort podSide(HostPort reported, List<String> podIps) {
    if (!reported.present() || !isLocalOnly(reported.ip())) {
      return reported; // nothing reported stays nothing: a pod IP with port 0 would be an invention
    }
    boolean wantV6 = isIpv6(reported.ip());
    for (String ip : podIps) {
      if (isIpv6(ip) == wantV6) {
        return new HostPort(ip, reported.port());
      }
    }
    return podIps.isEmpty() ? reported : new HostPort(podIps.get(0), reported.port());
  }

  /** Loopback or unspecified: what Envoy reports for its own side of a redirected connection. */
  private static boolean isLocalOnly(String ip) {
    IpAddress a = IpAddress.parseOrNull(ip);
    return a != null && (a.isLoopback() || a.isUnspecified());
  }

  private static boolean isIpv6(String ip) {
    IpAddress a = IpAddress.parseOrNull(ip);
    return a != null && a.isV6();
  }

  private static IPVersion version(String ip) {
    if (ip.isEmpty()) {
      return IPVersion.IP_NOT_USED;
    }
    return ip.indexOf(':') >= 0 ? IPVersion.IPv6 : IPVersion.IPv4;
  }
}
