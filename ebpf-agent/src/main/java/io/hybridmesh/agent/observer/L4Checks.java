package io.hybridmesh.agent.observer;

import io.hybridmesh.agent.observer.FlowFilters.Check;
import io.hybridmesh.api.flow.v1.Layer4;
import java.util.List;
import java.util.Locale;

/** Checks on ports and protocols. Part of {@link FlowFilters}; each method adds the checks of one filter field. */
final class L4Checks {
  private L4Checks() {}

  // ---- L4 ----

  static int sourcePort(Layer4 l4) {
    switch (l4.getProtocolCase()) {
      case TCP: return l4.getTcp().getSourcePort();
      case UDP: return l4.getUdp().getSourcePort();
      case SCTP: return l4.getSctp().getSourcePort();
      default: return -1;
    }
  }

  static int destinationPort(Layer4 l4) {
    switch (l4.getProtocolCase()) {
      case TCP: return l4.getTcp().getDestinationPort();
      case UDP: return l4.getUdp().getDestinationPort();
      case SCTP: return l4.getSctp().getDestinationPort();
      default: return -1;
    }
  }

  static void addPort(List<Check> checks, List<String> values, String field, boolean source) {
    if (values.isEmpty()) {
      return;
    }
    int[] ports = new int[values.size()];
    for (int i = 0; i < ports.length; i++) {
      String v = values.get(i).trim();
      int p;
      try {
        p = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(field + ": \"" + values.get(i) + "\" is not a port number");
      }
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException(field + ": port " + p + " is outside 0..65535");
      }
      ports[i] = p;
    }
    checks.add(f -> {
      if (!f.hasL4()) {
        return false;
      }
      int have = source ? sourcePort(f.getL4()) : destinationPort(f.getL4());
      for (int p : ports) {
        if (p == have) {
          return true;
        }
      }
      return false;
    });
  }

  static final int P_TCP = 1, P_UDP = 2, P_ICMPV4 = 4, P_ICMPV6 = 8, P_SCTP = 16,
      P_HTTP = 32, P_DNS = 64, P_GRPC = 128;

  static void addProtocol(List<Check> checks, List<String> values, String field) {
    if (values.isEmpty()) {
      return;
    }
    int mask = 0;
    for (String v : values) {
      switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "tcp": mask |= P_TCP; break;
        case "udp": mask |= P_UDP; break;
        case "icmp": mask |= P_ICMPV4 | P_ICMPV6; break;
        case "icmpv4": mask |= P_ICMPV4; break;
        case "icmpv6": mask |= P_ICMPV6; break;
        case "sctp": mask |= P_SCTP; break;
        case "http": mask |= P_HTTP; break;
        case "dns": mask |= P_DNS; break;
        case "grpc": mask |= P_GRPC; break;
        default:
          throw new IllegalArgumentException(field + ": unknown protocol \"" + v
              + "\"; known: tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns, grpc");
      }
    }
    final int m = mask;
    checks.add(f -> {
      int have = 0;
      if (f.hasL4()) {
        switch (f.getL4().getProtocolCase()) {
          case TCP: have |= P_TCP; break;
          case UDP: have |= P_UDP; break;
          case ICMPV4: have |= P_ICMPV4; break;
          case ICMPV6: have |= P_ICMPV6; break;
          case SCTP: have |= P_SCTP; break;
          default: break;
        }
      }
      if (f.hasL7()) {
        switch (f.getL7().getRecordCase()) {
          case HTTP: have |= P_HTTP; break;
          case DNS: have |= P_DNS; break;
          default: break;
        }
        if (f.getL7().hasGrpc()) {
          have |= P_GRPC; // beside its HTTP/2 record
        }
      }
      return (have & m) != 0;
    });
  }
}
