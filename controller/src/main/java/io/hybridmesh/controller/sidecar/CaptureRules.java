package io.hybridmesh.controller.sidecar;

import java.util.List;

/**
 * The iptables rules that send a pod's TCP through Envoy, in Istio's shape: inbound to the inbound port,
 * outbound to the outbound port, except Envoy's own traffic (its uid and gid), loopback to 127.0.0.1, and
 * the inbound passthrough source 127.0.0.6, which would otherwise loop back into Envoy.
 */
final class CaptureRules {

  private CaptureRules() {}

  static String script(SidecarConfig c) {
    List<String> rules = List.of(
        "set -e",
        "iptables -t nat -N HMESH_INBOUND",
        "iptables -t nat -A PREROUTING -p tcp -j HMESH_INBOUND",
        // Envoy's own ports are never redirected.
        "iptables -t nat -A HMESH_INBOUND -p tcp --dport " + c.inboundPort() + " -j RETURN",
        "iptables -t nat -A HMESH_INBOUND -p tcp --dport " + c.outboundPort() + " -j RETURN",
        "iptables -t nat -A HMESH_INBOUND -p tcp --dport " + c.adminPort() + " -j RETURN",
        "iptables -t nat -A HMESH_INBOUND -p tcp -j REDIRECT --to-ports " + c.inboundPort(),
        "iptables -t nat -N HMESH_OUTPUT",
        "iptables -t nat -A OUTPUT -p tcp -j HMESH_OUTPUT",
        "iptables -t nat -A HMESH_OUTPUT -o lo -s 127.0.0.6/32 -j RETURN",
        "iptables -t nat -A HMESH_OUTPUT -m owner --uid-owner " + c.proxyUid() + " -j RETURN",
        "iptables -t nat -A HMESH_OUTPUT -m owner --gid-owner " + c.proxyUid() + " -j RETURN",
        "iptables -t nat -A HMESH_OUTPUT -d 127.0.0.1/32 -j RETURN",
        "iptables -t nat -A HMESH_OUTPUT -p tcp -j REDIRECT --to-ports " + c.outboundPort());
    return String.join("\n", rules) + "\n";
  }
}
