package io.hybridmesh.cli;

import io.hybridmesh.api.flow.GrpcStatus;
import io.hybridmesh.api.flow.v1.DataPath;
import io.hybridmesh.api.flow.v1.FlowType;
import io.hybridmesh.api.flow.v1.Reporter;
import io.hybridmesh.api.flow.v1.TrafficDirection;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.flow.v1.Verdict;
import io.hybridmesh.api.observer.v1.FlowFilter;
import java.util.List;
import java.util.Locale;

/**
 * Turns filter flags, in command-line order, into allow and deny lists with Hubble's semantics.
 *
 * <p>As in {@code hubble observe}, every list is built as a pair of filters, "left" and "right", that are
 * ORed: a symmetric flag ({@code --pod}, {@code --ip}, {@code --port}, {@code --namespace}) puts its source
 * form into the left filter and its destination form into the right one; every other flag goes into both.
 * {@code --not} sends the next filter flag to the deny list instead of the allow list.
 */
final class FilterFlags {

  /** The filter flags this class understands (long names, as picocli reports them). */
  static final List<String> FLAGS = List.of(
      "--namespace", "--from-namespace", "--to-namespace",
      "--pod", "--from-pod", "--to-pod",
      "--ip", "--from-ip", "--to-ip",
      "--port", "--from-port", "--to-port",
      "--protocol", "--type", "--verdict",
      "--http-method", "--http-status", "--http-path", "--grpc-service", "--grpc-status", "--data-path",
      "--label", "--from-label", "--to-label",
      "--workload", "--from-workload", "--to-workload",
      "--node-name", "--reporter", "--traffic-direction", "--is-reply");

  /** One list (allow or deny) as Hubble builds it: two filters ORed. */
  private static final class Pair {
    final FlowFilter.Builder left = FlowFilter.newBuilder();
    final FlowFilter.Builder right = FlowFilter.newBuilder();
    boolean used;
    boolean symmetric;

    List<FlowFilter> build() {
      if (!used) {
        return List.of();
      }
      return symmetric ? List.of(left.build(), right.build()) : List.of(left.build());
    }
  }

  private final Pair allow = new Pair();
  private final Pair deny = new Pair();
  private boolean negateNext;

  /** {@code --not}: the next filter flag goes to the deny list. */
  void not() {
    if (negateNext) {
      throw new IllegalArgumentException("--not given twice in a row; it negates the one filter flag after it");
    }
    negateNext = true;
  }

  /**
   * Adds one filter flag with its value.
   *
   * @throws IllegalArgumentException for an unknown flag or a value the flag cannot take
   */
  void add(String flag, String value) {
    Pair p = negateNext ? deny : allow;
    negateNext = false;
    String v = value.trim();
    if (v.isEmpty()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    p.used = true;
    FlowFilter.Builder l = p.left;
    FlowFilter.Builder r = p.right;
    switch (flag) {
      case "--namespace" -> { sym(p); l.addSourceNamespace(v); r.addDestinationNamespace(v); }
      case "--from-namespace" -> { l.addSourceNamespace(v); r.addSourceNamespace(v); }
      case "--to-namespace" -> { l.addDestinationNamespace(v); r.addDestinationNamespace(v); }
      case "--pod" -> { sym(p); l.addSourcePod(v); r.addDestinationPod(v); }
      case "--from-pod" -> { l.addSourcePod(v); r.addSourcePod(v); }
      case "--to-pod" -> { l.addDestinationPod(v); r.addDestinationPod(v); }
      case "--ip" -> { sym(p); l.addSourceIp(v); r.addDestinationIp(v); }
      case "--from-ip" -> { l.addSourceIp(v); r.addSourceIp(v); }
      case "--to-ip" -> { l.addDestinationIp(v); r.addDestinationIp(v); }
      case "--port" -> { String n = port(v); sym(p); l.addSourcePort(n); r.addDestinationPort(n); }
      case "--from-port" -> { String n = port(v); l.addSourcePort(n); r.addSourcePort(n); }
      case "--to-port" -> { String n = port(v); l.addDestinationPort(n); r.addDestinationPort(n); }
      case "--protocol" -> { l.addProtocol(v); r.addProtocol(v); }
      case "--type" -> { FlowType t = type(v); l.addFlowType(t); r.addFlowType(t); }
      case "--verdict" -> { Verdict t = verdict(v); l.addVerdict(t); r.addVerdict(t); }
      case "--http-method" -> { l.addHttpMethod(v); r.addHttpMethod(v); }
      case "--http-status" -> { l.addHttpStatusCode(v); r.addHttpStatusCode(v); }
      case "--http-path" -> { l.addHttpPath(v); r.addHttpPath(v); }
      case "--grpc-service" -> { l.addGrpcService(v); r.addGrpcService(v); }
      case "--grpc-status" -> { GrpcStatus.parse(v); l.addGrpcStatus(v); r.addGrpcStatus(v); }
      case "--data-path" -> { DataPath d = dataPath(v); l.addDataPath(d); r.addDataPath(d); }
      case "--label" -> { sym(p); l.addSourceLabel(v); r.addDestinationLabel(v); }
      case "--from-label" -> { l.addSourceLabel(v); r.addSourceLabel(v); }
      case "--to-label" -> { l.addDestinationLabel(v); r.addDestinationLabel(v); }
      case "--workload" -> { Workload w = workload(v); sym(p); l.addSourceWorkload(w); r.addDestinationWorkload(w); }
      case "--from-workload" -> { Workload w = workload(v); l.addSourceWorkload(w); r.addSourceWorkload(w); }
      case "--to-workload" -> { Workload w = workload(v); l.addDestinationWorkload(w); r.addDestinationWorkload(w); }
      case "--node-name" -> { l.addNodeName(v); r.addNodeName(v); }
      case "--reporter" -> { Reporter x = reporter(v); l.addReporter(x); r.addReporter(x); }
      case "--traffic-direction" -> {
        TrafficDirection d = direction(v);
        l.addTrafficDirection(d);
        r.addTrafficDirection(d);
      }
      case "--is-reply" -> { boolean b = bool(flag, v); l.addReply(b); r.addReply(b); }
      default -> throw new IllegalArgumentException("unknown filter flag " + flag);
    }
  }

  /** Fails if a {@code --not} was not followed by a filter flag. */
  void finish() {
    if (negateNext) {
      throw new IllegalArgumentException("--not must be followed by a filter flag, e.g. --not --pod demo/backend");
    }
  }

  List<FlowFilter> allow() {
    return allow.build();
  }

  List<FlowFilter> deny() {
    return deny.build();
  }

  private static void sym(Pair p) {
    p.symmetric = true;
  }

  private static String port(String v) {
    try {
      int n = Integer.parseInt(v);
      if (n >= 0 && n <= 65535) {
        return Integer.toString(n);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("'" + v + "' is not a port number (0 to 65535)");
  }

  static FlowType type(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "l7" -> FlowType.L7;
      case "l3/l4", "l3_l4", "l3l4", "l4", "l3", "trace" -> FlowType.L3_L4;
      case "sock", "trace-sock" -> FlowType.SOCK;
      default -> throw new IllegalArgumentException("'" + v + "' is not a flow type; use l7 or l3/l4");
    };
  }

  static Verdict verdict(String v) {
    String u = v.toUpperCase(Locale.ROOT);
    for (Verdict x : Verdict.values()) {
      if (x != Verdict.UNRECOGNIZED && x != Verdict.VERDICT_UNKNOWN && x.name().equals(u)) {
        return x;
      }
    }
    throw new IllegalArgumentException("'" + v + "' is not a verdict; use FORWARDED, DROPPED, ERROR, AUDIT,"
        + " REDIRECTED, TRACED or TRANSLATED");
  }

  /** {@code NAME} or {@code KIND/NAME} (kind as Kubernetes spells it, e.g. Deployment/backend). */
  static Workload workload(String v) {
    int slash = v.indexOf('/');
    Workload.Builder w = Workload.newBuilder().setName(slash < 0 ? v : v.substring(slash + 1));
    if (slash >= 0) {
      w.setKind(v.substring(0, slash));
    }
    if (w.getName().isEmpty()) {
      throw new IllegalArgumentException("'" + v + "' names no workload; use NAME or KIND/NAME");
    }
    return w.build();
  }

  static Reporter reporter(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "client" -> Reporter.CLIENT;
      case "server" -> Reporter.SERVER;
      default -> throw new IllegalArgumentException("'" + v + "' is not a reporter; use client or server");
    };
  }

  static TrafficDirection direction(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "ingress" -> TrafficDirection.INGRESS;
      case "egress" -> TrafficDirection.EGRESS;
      default -> throw new IllegalArgumentException("'" + v + "' is not a traffic direction; use ingress or egress");
    };
  }

  private static boolean bool(String flag, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw new IllegalArgumentException(flag + " takes true or false, not '" + v + "'");
    };
  }

  static DataPath dataPath(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "ebpf" -> DataPath.EBPF;
      case "sidecar" -> DataPath.SIDECAR;
      default -> throw new IllegalArgumentException("'" + v + "' is not a data path; use ebpf or sidecar");
    };
  }
}
