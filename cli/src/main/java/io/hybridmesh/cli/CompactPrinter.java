package io.hybridmesh.cli;

import io.hybridmesh.api.net.IpAddress;
import com.google.protobuf.Timestamp;
import io.hybridmesh.api.flow.v1.Connection;
import io.hybridmesh.api.flow.v1.ConnectionState;
import io.hybridmesh.api.flow.v1.DropReason;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.GRPC;
import io.hybridmesh.api.flow.v1.HTTP;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.LostEvent;
import io.hybridmesh.api.flow.v1.TCPFlags;
import io.hybridmesh.api.flow.v1.Verdict;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Human-readable flow lines: {@code TIMESTAMP SOURCE -> DESTINATION TYPE VERDICT SUMMARY} (compact) or the
 * same columns padded (table).
 */
public final class CompactPrinter {

  static final String TABLE_HEADER = String.format("%-19s  %-30s  %-30s  %-11s  %-10s  %s",
      "TIMESTAMP", "SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY");

  private final DateTimeFormatter time;

  public CompactPrinter(ZoneId zone) {
    this.time = DateTimeFormatter.ofPattern("MMM dd HH:mm:ss.SSS", Locale.ENGLISH).withZone(zone);
  }

  /** One compact line, e.g. {@code Nov 27 06:22:26.473 hmA/10.77.0.1:40970 -> hmB/10.77.0.2:9443 L7 ...}. */
  public String compact(Flow f) {
    return timestamp(f.getTime()) + " " + source(f) + " -> " + destination(f) + " " + type(f) + " "
        + verdict(f) + " " + summary(f);
  }

  /** One table row, columns padded to {@link #TABLE_HEADER}. */
  String table(Flow f) {
    return String.format("%-19s  %-30s  %-30s  %-11s  %-10s  %s",
        timestamp(f.getTime()), source(f), destination(f), type(f), verdict(f), summary(f));
  }

  /** The line for a lost-events item, e.g. {@code EVENTS LOST: 12 (RING_BUFFER)}. */
  public static String lost(LostEvent e) {
    String cpu = e.hasCpu() ? ", CPU " + e.getCpu().getValue() : "";
    return "EVENTS LOST: " + Long.toUnsignedString(e.getNumEventsLost()) + " (" + e.getSource().name() + cpu + ")";
  }

  public String timestamp(Timestamp t) {
    return time.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  public static String source(Flow f) {
    return endpoint(f.getSource(), f.getIp().getSource(), sourcePort(f.getL4()));
  }

  public static String destination(Flow f) {
    return endpoint(f.getDestination(), f.getIp().getDestination(), destinationPort(f.getL4()));
  }

  /** {@code [namespace/]pod/ip:port}; the parts that are unknown are left out. */
  static String endpoint(Endpoint e, String ip, int port) {
    StringBuilder b = new StringBuilder();
    if (!e.getNamespace().isEmpty()) {
      b.append(e.getNamespace()).append('/');
    }
    if (!e.getPodName().isEmpty()) {
      b.append(e.getPodName());
    }
    String addr = port > 0 ? IpAddress.withPort(ip, port) : ip;
    if (!addr.isEmpty()) {
      if (b.length() > 0) {
        b.append('/');
      }
      b.append(addr);
    }
    return b.length() == 0 ? "?" : b.toString();
  }

  static int sourcePort(Layer4 l4) {
    return switch (l4.getProtocolCase()) {
      case TCP -> l4.getTcp().getSourcePort();
      case UDP -> l4.getUdp().getSourcePort();
      case SCTP -> l4.getSctp().getSourcePort();
      default -> 0;
    };
  }

  static int destinationPort(Layer4 l4) {
    return switch (l4.getProtocolCase()) {
      case TCP -> l4.getTcp().getDestinationPort();
      case UDP -> l4.getUdp().getDestinationPort();
      case SCTP -> l4.getSctp().getDestinationPort();
      default -> 0;
    };
  }

  public static String type(Flow f) {
    return switch (f.getType()) {
      case L7 -> switch (f.getL7().getType()) {
        case REQUEST -> "L7-request";
        case RESPONSE -> "L7-response";
        default -> "L7";
      };
      case L3_L4 -> "L3/L4";
      case SOCK -> "SOCK";
      default -> "?";
    };
  }

  public static String verdict(Flow f) {
    return f.getVerdict() == Verdict.VERDICT_UNKNOWN ? "UNKNOWN" : f.getVerdict().name();
  }

  public static String summary(Flow f) {
    String s = f.getType() == FlowType.L7 && f.hasL7() ? l7(f.getL7()) + reporter(f) : l4(f);
    if (f.getVerdict() == Verdict.DROPPED || f.getVerdict() == Verdict.ERROR) {
      String why = !f.getDropReasonDesc().isEmpty() ? f.getDropReasonDesc()
          : f.getDropReason() != DropReason.DROP_REASON_UNKNOWN ? f.getDropReason().name() : "";
      if (!why.isEmpty()) {
        s = s + " (" + why + ")";
      }
    }
    return s;
  }

  static String l7(Layer7 l7) {
    if (l7.hasGrpc()) {
      return grpc(l7);
    }
    return switch (l7.getRecordCase()) {
      case HTTP -> http(l7);
      case DNS -> "DNS " + l7.getDns().getQuery() + (l7.getDns().getIpsCount() > 0
          ? " => " + String.join(",", l7.getDns().getIpsList()) : "");
      default -> l7.getType().name();
    };
  }

  /**
   * {@code HTTP/2 gRPC pkg.Svc/Method} for a request, {@code HTTP/2 gRPC 5 NOT_FOUND (1.2ms)
   * pkg.Svc/Method} for a response or a sidecar's request-and-response sample: as {@link #http} shows a
   * status, the gRPC status in its place.
   */
  private static String grpc(Layer7 l7) {
    GRPC g = l7.getGrpc();
    StringBuilder b = new StringBuilder();
    String protocol = l7.hasHttp() ? l7.getHttp().getProtocol() : "";
    if (!protocol.isEmpty()) {
      b.append(protocol).append(' ');
    }
    b.append("gRPC ");
    if (!g.getStatusName().isEmpty()) {
      b.append(g.getStatusCode()).append(' ').append(g.getStatusName()).append(latency(l7)).append(' ');
    } else if (l7.getType() == io.hybridmesh.api.flow.v1.L7FlowType.RESPONSE
        || l7.getType() == io.hybridmesh.api.flow.v1.L7FlowType.SAMPLE) {
      // A call that ended without a status anyone saw: said, not left out (a sidecar's SAMPLE is a response).
      b.append('?').append(latency(l7)).append(' ');
    }
    String call = g.getService().isEmpty() && g.getMethod().isEmpty()
        ? (l7.hasHttp() && !l7.getHttp().getPath().isEmpty() ? l7.getHttp().getPath() : "?")
        : (g.getService().isEmpty() ? "?" : g.getService()) + "/" + (g.getMethod().isEmpty() ? "?" : g.getMethod());
    b.append(call);
    if (!g.getMessage().isEmpty()) {
      b.append(" \"").append(g.getMessage()).append('"');
    }
    return b.toString();
  }

  /** {@code HTTP/1.1 GET url} for a request, {@code HTTP/1.1 200 (1.2ms) GET url} for a response. */
  private static String http(Layer7 l7) {
    HTTP h = l7.getHttp();
    String target = !h.getUrl().isEmpty() ? h.getUrl() : h.getHost() + h.getPath();
    StringBuilder b = new StringBuilder();
    if (!h.getProtocol().isEmpty()) {
      b.append(h.getProtocol()).append(' ');
    }
    if (h.getCode() != 0) {
      b.append(h.getCode()).append(latency(l7)).append(' ');
    }
    return b.append(h.getMethod().isEmpty() ? "?" : h.getMethod()).append(' ')
        .append(target.isEmpty() ? "?" : target).toString();
  }

  /** Which end saw an L7 record: both ends of one request report it when both are watched. */
  private static String reporter(Flow f) {
    return switch (f.getReporter()) {
      case CLIENT -> " [client]";
      case SERVER -> " [server]";
      default -> "";
    };
  }

  private static String latency(Layer7 l7) {
    long ns = l7.getLatencyNs();
    return ns == 0 ? "" : " (" + duration(ns) + ")";
  }

  /** {@code 850us}, {@code 1.1ms}, {@code 2.35s}. */
  static String duration(long ns) {
    if (ns < 1_000_000) {
      return (ns / 1_000) + "us";
    }
    if (ns < 1_000_000_000) {
      return trim(String.format(Locale.ROOT, "%.1f", ns / 1e6)) + "ms";
    }
    return trim(String.format(Locale.ROOT, "%.2f", ns / 1e9)) + "s";
  }

  private static String trim(String n) {
    return n.contains(".") ? n.replaceAll("0+$", "").replaceAll("\\.$", "") : n;
  }

  static String l4(Flow f) {
    Layer4 l4 = f.getL4();
    Connection c = f.getConnection();
    String state = f.hasConnection() && c.getState() != ConnectionState.CONNECTION_STATE_UNKNOWN
        ? " " + c.getState().name() : "";
    return switch (l4.getProtocolCase()) {
      case TCP -> {
        TCPFlags flags = l4.getTcp().hasFlags() ? l4.getTcp().getFlags()
            : f.hasConnection() ? c.getFlagsToDestination() : TCPFlags.getDefaultInstance();
        String fl = flags(flags);
        yield "TCP" + state + (fl.isEmpty() ? "" : " Flags: " + fl);
      }
      case UDP -> "UDP" + state;
      case SCTP -> "SCTP" + state;
      case ICMPV4 -> "ICMPv4 type=" + l4.getIcmpv4().getType() + " code=" + l4.getIcmpv4().getCode() + state;
      case ICMPV6 -> "ICMPv6 type=" + l4.getIcmpv6().getType() + " code=" + l4.getIcmpv6().getCode() + state;
      default -> state.isEmpty() ? "-" : state.substring(1);
    };
  }

  static String flags(TCPFlags t) {
    List<String> out = new ArrayList<>();
    if (t.getSYN()) out.add("SYN");
    if (t.getACK()) out.add("ACK");
    if (t.getPSH()) out.add("PSH");
    if (t.getFIN()) out.add("FIN");
    if (t.getRST()) out.add("RST");
    if (t.getURG()) out.add("URG");
    if (t.getECE()) out.add("ECE");
    if (t.getCWR()) out.add("CWR");
    if (t.getNS()) out.add("NS");
    return String.join(", ", out);
  }
}
