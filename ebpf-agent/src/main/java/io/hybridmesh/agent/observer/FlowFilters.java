package io.hybridmesh.agent.observer;

import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.observer.v1.FlowFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

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
    EndpointChecks.addIp(checks, ff.getSourceIpList(), where + ".source_ip", f -> f.getIp().getSource());
    EndpointChecks.addIp(checks, ff.getDestinationIpList(), where + ".destination_ip", f -> f.getIp().getDestination());
    EndpointChecks.addPod(checks, ff.getSourcePodList(), where + ".source_pod", Flow::getSource);
    EndpointChecks.addPod(checks, ff.getDestinationPodList(), where + ".destination_pod", Flow::getDestination);
    EndpointChecks.addNamespace(checks, ff.getSourceNamespaceList(), Flow::getSource);
    EndpointChecks.addNamespace(checks, ff.getDestinationNamespaceList(), Flow::getDestination);
    EndpointChecks.addWorkload(checks, ff.getSourceWorkloadList(), Flow::getSource);
    EndpointChecks.addWorkload(checks, ff.getDestinationWorkloadList(), Flow::getDestination);
    EndpointChecks.addLabels(checks, ff.getSourceLabelList(), where + ".source_label", Flow::getSource);
    EndpointChecks.addLabels(checks, ff.getDestinationLabelList(), where + ".destination_label", Flow::getDestination);
    L4Checks.addPort(checks, ff.getSourcePortList(), where + ".source_port", true);
    L4Checks.addPort(checks, ff.getDestinationPortList(), where + ".destination_port", false);
    L4Checks.addProtocol(checks, ff.getProtocolList(), where + ".protocol");
    addEnum(checks, ff.getVerdictValueList(), where + ".verdict", Flow::getVerdictValue);
    addEnum(checks, ff.getFlowTypeValueList(), where + ".flow_type", Flow::getTypeValue);
    addEnum(checks, ff.getDataPathValueList(), where + ".data_path", Flow::getDataPathValue);
    addEnum(checks, ff.getObservationPointValueList(), where + ".observation_point",
        Flow::getObservationPointValue);
    addEnum(checks, ff.getTrafficDirectionValueList(), where + ".traffic_direction",
        Flow::getTrafficDirectionValue);
    addEnum(checks, ff.getReporterValueList(), where + ".reporter", Flow::getReporterValue);
    addEnum(checks, ff.getEmitterKindValueList(), where + ".emitter_kind", f -> f.getEmitter().getKindValue());
    HttpChecks.addHttpMethod(checks, ff.getHttpMethodList());
    HttpChecks.addHttpStatus(checks, ff.getHttpStatusCodeList(), where + ".http_status_code");
    HttpChecks.addHttpPath(checks, ff.getHttpPathList(), where + ".http_path");
    GrpcChecks.addService(checks, ff.getGrpcServiceList(), where + ".grpc_service");
    GrpcChecks.addStatus(checks, ff.getGrpcStatusList(), where + ".grpc_status");
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
