package io.hybridmesh.agent.observer;

import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.Layer4;
import io.hybridmesh.api.flow.v1.Layer7;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.observer.v1.FlowFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles allow and deny {@link FlowFilter} lists into one predicate with Hubble's semantics: a flow passes
 * if it matches any allow filter (or there is none) and no deny filter; the set fields of one filter are
 * ANDed; the values of one field are ORed.
 *
 * <p>All parsing and validation happens in {@link #compile}; a bad value throws {@link
 * IllegalArgumentException} naming the field and the value. Evaluation compiles nothing and, except for
 * the thread-local regex matchers, allocates nothing.
 */
public final class FlowFilters {
  private FlowFilters() {}

  /** A compiled filter set; thread-safe. */
  public interface Compiled extends Predicate<Flow> {}

  /** Matches every flow. */
  public static final Compiled ALL = f -> true;

  public static Compiled compile(List<FlowFilter> allow, List<FlowFilter> deny) {
    Check[] allows = compileEach(allow, "allow");
    Check[] denies = compileEach(deny, "deny");
    if (allows.length == 0 && denies.length == 0) {
      return ALL;
    }
    return flow -> {
      if (allows.length > 0) {
        boolean any = false;
        for (Check c : allows) {
          if (c.test(flow)) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      }
      for (Check c : denies) {
        if (c.test(flow)) {
          return false;
        }
      }
      return true;
    };
  }

  /** Compiles one filter alone (all its set fields ANDed). */
  public static Compiled compile(FlowFilter filter) {
    Check c = compileOne(filter, "filter");
    return c::test;
  }

  @FunctionalInterface
  interface Check {
    boolean test(Flow f);
  }

  private static Check[] compileEach(List<FlowFilter> filters, String what) {
    if (filters == null) {
      return new Check[0];
    }
    Check[] out = new Check[filters.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = compileOne(filters.get(i), what + "[" + i + "]");
    }
    return out;
  }

  private static Check compileOne(FlowFilter ff, String where) {
    List<Check> checks = new ArrayList<>();
    if (ff.getUuidCount() > 0) {
      Set<String> ids = new HashSet<>(ff.getUuidList());
      checks.add(f -> ids.contains(f.getUuid()));
    }
    addIp(checks, ff.getSourceIpList(), where + ".source_ip", f -> f.getIp().getSource());
    addIp(checks, ff.getDestinationIpList(), where + ".destination_ip", f -> f.getIp().getDestination());
    addPod(checks, ff.getSourcePodList(), where + ".source_pod", Flow::getSource);
    addPod(checks, ff.getDestinationPodList(), where + ".destination_pod", Flow::getDestination);
    addNamespace(checks, ff.getSourceNamespaceList(), Flow::getSource);
    addNamespace(checks, ff.getDestinationNamespaceList(), Flow::getDestination);
    addWorkload(checks, ff.getSourceWorkloadList(), Flow::getSource);
    addWorkload(checks, ff.getDestinationWorkloadList(), Flow::getDestination);
    addLabels(checks, ff.getSourceLabelList(), where + ".source_label", Flow::getSource);
    addLabels(checks, ff.getDestinationLabelList(), where + ".destination_label", Flow::getDestination);
    addPort(checks, ff.getSourcePortList(), where + ".source_port", true);
    addPort(checks, ff.getDestinationPortList(), where + ".destination_port", false);
    addProtocol(checks, ff.getProtocolList(), where + ".protocol");
    addEnum(checks, ff.getVerdictValueList(), where + ".verdict", Flow::getVerdictValue);
    addEnum(checks, ff.getFlowTypeValueList(), where + ".flow_type", Flow::getTypeValue);
    addEnum(checks, ff.getDataPathValueList(), where + ".data_path", Flow::getDataPathValue);
    addEnum(checks, ff.getObservationPointValueList(), where + ".observation_point",
        Flow::getObservationPointValue);
    addEnum(checks, ff.getTrafficDirectionValueList(), where + ".traffic_direction",
        Flow::getTrafficDirectionValue);
    addEnum(checks, ff.getReporterValueList(), where + ".reporter", Flow::getReporterValue);
    addEnum(checks, ff.getEmitterKindValueList(), where + ".emitter_kind", f -> f.getEmitter().getKindValue());
    addHttpMethod(checks, ff.getHttpMethodList());
    addHttpStatus(checks, ff.getHttpStatusCodeList(), where + ".http_status_code");
    addHttpPath(checks, ff.getHttpPathList(), where + ".http_path");
    addNodeName(checks, ff.getNodeNameList());
    if (ff.getReplyCount() > 0) {
      boolean wantTrue = ff.getReplyList().contains(Boolean.TRUE);
      boolean wantFalse = ff.getReplyList().contains(Boolean.FALSE);
      checks.add(f -> f.hasIsReply() && (f.getIsReply().getValue() ? wantTrue : wantFalse));
    }
    Check[] all = checks.toArray(new Check[0]);
    if (all.length == 0) {
      return f -> true;
    }
    if (all.length == 1) {
      return all[0];
    }
    return f -> {
      for (Check c : all) {
        if (!c.test(f)) {
          return false;
        }
      }
      return true;
    };
  }

  // ---- IP / CIDR ----

  private static void addIp(List<Check> checks, List<String> values, String field, Function<Flow, String> get) {
    if (values.isEmpty()) {
      return;
    }
    IpMatch.Cidr[] cidrs = new IpMatch.Cidr[values.size()];
    for (int i = 0; i < cidrs.length; i++) {
      cidrs[i] = IpMatch.parseCidr(values.get(i), field);
    }
    checks.add(f -> {
      String ip = get.apply(f);
      if (ip.isEmpty()) {
        return false;
      }
      for (IpMatch.Cidr c : cidrs) {
        if (c.contains(ip)) {
          return true;
        }
      }
      return false;
    });
  }

  // ---- pods, namespaces, workloads ----

  private record PodSpec(String namespace, String podPrefix) {
    boolean matches(Endpoint e) {
      if (namespace != null && !namespace.equals(e.getNamespace())) {
        return false;
      }
      return e.getPodName().startsWith(podPrefix);
    }
  }

  private static void addPod(List<Check> checks, List<String> values, String field, Function<Flow, Endpoint> side) {
    if (values.isEmpty()) {
      return;
    }
    PodSpec[] specs = new PodSpec[values.size()];
    for (int i = 0; i < specs.length; i++) {
      String v = values.get(i);
      int slash = v.indexOf('/');
      if (v.isEmpty() || v.equals("/")) {
        throw new IllegalArgumentException(field + ": empty pod filter \"" + v + "\"; use \"ns/\", \"ns/pod-prefix\" or \"pod-prefix\"");
      }
      if (slash < 0) {
        specs[i] = new PodSpec(null, v);
      } else {
        if (v.indexOf('/', slash + 1) >= 0) {
          throw new IllegalArgumentException(field + ": \"" + v + "\" has more than one '/'; use \"ns/pod-prefix\"");
        }
        String ns = v.substring(0, slash);
        specs[i] = new PodSpec(ns.isEmpty() ? null : ns, v.substring(slash + 1));
      }
    }
    checks.add(f -> {
      Endpoint e = side.apply(f);
      for (PodSpec s : specs) {
        if (s.matches(e)) {
          return true;
        }
      }
      return false;
    });
  }

  private static void addNamespace(List<Check> checks, List<String> values, Function<Flow, Endpoint> side) {
    if (values.isEmpty()) {
      return;
    }
    Set<String> set = new HashSet<>(values);
    checks.add(f -> set.contains(side.apply(f).getNamespace()));
  }

  private static void addWorkload(List<Check> checks, List<Workload> values, Function<Flow, Endpoint> side) {
    if (values.isEmpty()) {
      return;
    }
    Workload[] wanted = values.toArray(new Workload[0]);
    checks.add(f -> {
      Endpoint e = side.apply(f);
      for (int i = 0; i < e.getWorkloadsCount(); i++) {
        Workload have = e.getWorkloads(i);
        for (Workload w : wanted) {
          if ((w.getName().isEmpty() || w.getName().equals(have.getName()))
              && (w.getKind().isEmpty() || w.getKind().equalsIgnoreCase(have.getKind()))) {
            return true;
          }
        }
      }
      return false;
    });
  }

  private static void addLabels(List<Check> checks, List<String> values, String field, Function<Flow, Endpoint> side) {
    if (values.isEmpty()) {
      return;
    }
    LabelSelector[] sels = new LabelSelector[values.size()];
    for (int i = 0; i < sels.length; i++) {
      sels[i] = LabelSelector.parse(values.get(i), field);
    }
    checks.add(f -> {
      Endpoint e = side.apply(f);
      for (LabelSelector s : sels) {
        if (s.matches(e.getLabelsList())) {
          return true;
        }
      }
      return false;
    });
  }

  // ---- L4 ----

  private static int sourcePort(Layer4 l4) {
    switch (l4.getProtocolCase()) {
      case TCP: return l4.getTcp().getSourcePort();
      case UDP: return l4.getUdp().getSourcePort();
      case SCTP: return l4.getSctp().getSourcePort();
      default: return -1;
    }
  }

  private static int destinationPort(Layer4 l4) {
    switch (l4.getProtocolCase()) {
      case TCP: return l4.getTcp().getDestinationPort();
      case UDP: return l4.getUdp().getDestinationPort();
      case SCTP: return l4.getSctp().getDestinationPort();
      default: return -1;
    }
  }

  private static void addPort(List<Check> checks, List<String> values, String field, boolean source) {
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

  private static final int P_TCP = 1, P_UDP = 2, P_ICMPV4 = 4, P_ICMPV6 = 8, P_SCTP = 16,
      P_HTTP = 32, P_DNS = 64, P_GRPC = 128;

  private static void addProtocol(List<Check> checks, List<String> values, String field) {
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
          case GRPC: have |= P_GRPC; break;
          default: break;
        }
      }
      return (have & m) != 0;
    });
  }

  // ---- enums ----

  private static void addEnum(List<Check> checks, List<Integer> values, String field, java.util.function.ToIntFunction<Flow> get) {
    if (values.isEmpty()) {
      return;
    }
    long bits = 0;
    for (int v : values) {
      if (v < 0 || v > 63) {
        throw new IllegalArgumentException(field + ": unknown value " + v);
      }
      bits |= 1L << v;
    }
    final long b = bits;
    checks.add(f -> {
      int v = get.applyAsInt(f);
      return v >= 0 && v < 64 && (b & (1L << v)) != 0;
    });
  }

  // ---- HTTP ----

  private static void addHttpMethod(List<Check> checks, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    String[] methods = values.stream().map(String::trim).toArray(String[]::new);
    checks.add(f -> {
      if (!f.hasL7() || f.getL7().getRecordCase() != Layer7.RecordCase.HTTP) {
        return false;
      }
      String m = f.getL7().getHttp().getMethod();
      for (String w : methods) {
        if (w.equalsIgnoreCase(m)) {
          return true;
        }
      }
      return false;
    });
  }

  private static void addHttpStatus(List<Check> checks, List<String> values, String field) {
    if (values.isEmpty()) {
      return;
    }
    // Each value becomes a [lo, hi] range of codes.
    int[] lo = new int[values.size()];
    int[] hi = new int[values.size()];
    for (int i = 0; i < lo.length; i++) {
      String v = values.get(i).trim();
      boolean prefix = v.endsWith("+");
      String digits = prefix ? v.substring(0, v.length() - 1) : v;
      boolean ok = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9')
          && digits.charAt(0) >= '1' && digits.charAt(0) <= '5' && (prefix || digits.length() == 3);
      if (!ok) {
        throw new IllegalArgumentException(field + ": \"" + values.get(i)
            + "\" is not an HTTP status; use an exact code (\"404\") or a prefix (\"5+\", \"40+\")");
      }
      int n = Integer.parseInt(digits);
      int scale = digits.length() == 1 ? 100 : digits.length() == 2 ? 10 : 1;
      lo[i] = n * scale;
      hi[i] = n * scale + scale - 1;
    }
    checks.add(f -> {
      if (!f.hasL7() || f.getL7().getRecordCase() != Layer7.RecordCase.HTTP) {
        return false;
      }
      int code = f.getL7().getHttp().getCode();
      if (code == 0) {
        return false;
      }
      for (int i = 0; i < lo.length; i++) {
        if (code >= lo[i] && code <= hi[i]) {
          return true;
        }
      }
      return false;
    });
  }

  private static void addHttpPath(List<Check> checks, List<String> values, String field) {
    if (values.isEmpty()) {
      return;
    }
    Pattern[] patterns = new Pattern[values.size()];
    for (int i = 0; i < patterns.length; i++) {
      try {
        patterns[i] = Pattern.compile(values.get(i));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(field + ": invalid regular expression \"" + values.get(i) + "\": "
            + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
      }
    }
    // One reusable Matcher per thread and pattern: no allocation per flow.
    ThreadLocal<Matcher[]> matchers = ThreadLocal.withInitial(() -> {
      Matcher[] ms = new Matcher[patterns.length];
      for (int i = 0; i < ms.length; i++) {
        ms[i] = patterns[i].matcher("");
      }
      return ms;
    });
    checks.add(f -> {
      if (!f.hasL7() || f.getL7().getRecordCase() != Layer7.RecordCase.HTTP) {
        return false;
      }
      String path = f.getL7().getHttp().getPath();
      for (Matcher m : matchers.get()) {
        if (m.reset(path).find()) {
          m.reset("");
          return true;
        }
      }
      return false;
    });
  }

  // ---- node name ----

  private static void addNodeName(List<Check> checks, List<String> values) {
    if (values.isEmpty()) {
      return;
    }
    String[] globs = values.toArray(new String[0]);
    checks.add(f -> {
      String n = f.getNodeName();
      for (String g : globs) {
        if (glob(g, n)) {
          return true;
        }
      }
      return false;
    });
  }

  /** Glob match with '*' (any run) and '?' (one char); iterative, no allocation. */
  static boolean glob(String pattern, String text) {
    int p = 0, t = 0, starP = -1, starT = 0;
    while (t < text.length()) {
      if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }
}
