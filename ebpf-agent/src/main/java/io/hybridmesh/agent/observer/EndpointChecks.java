package io.hybridmesh.agent.observer;

import io.hybridmesh.agent.observer.FlowFilters.Check;
import io.hybridmesh.api.flow.v1.Endpoint;
import io.hybridmesh.api.flow.v1.Flow;
import io.hybridmesh.api.flow.v1.Workload;
import io.hybridmesh.api.net.IpAddress;
import io.hybridmesh.api.net.IpPrefix;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Checks on addresses, pods, namespaces, workloads and labels. Part of {@link FlowFilters}; each method adds the checks of one filter field. */
final class EndpointChecks {
  private EndpointChecks() {}

  // ---- IP / CIDR ----

  static void addIp(List<Check> checks, List<String> values, String field, Function<Flow, String> get) {
    if (values.isEmpty()) {
      return;
    }
    IpPrefix[] ranges = new IpPrefix[values.size()];
    for (int i = 0; i < ranges.length; i++) {
      try {
        ranges[i] = IpPrefix.parse(values.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
      }
    }
    checks.add(f -> {
      IpAddress ip = IpAddress.parseOrNull(get.apply(f));
      if (ip == null) {
        return false;
      }
      for (IpPrefix r : ranges) {
        if (r.contains(ip)) {
          return true;
        }
      }
      return false;
    });
  }

  // ---- pods, namespaces, workloads ----

  record PodSpec(String namespace, String podPrefix) {
    boolean matches(Endpoint e) {
      if (namespace != null && !namespace.equals(e.getNamespace())) {
        return false;
      }
      return e.getPodName().startsWith(podPrefix);
    }
  }

  static void addPod(List<Check> checks, List<String> values, String field, Function<Flow, Endpoint> side) {
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

  static void addNamespace(List<Check> checks, List<String> values, Function<Flow, Endpoint> side) {
    if (values.isEmpty()) {
      return;
    }
    Set<String> set = new HashSet<>(values);
    checks.add(f -> set.contains(side.apply(f).getNamespace()));
  }

  static void addWorkload(List<Check> checks, List<Workload> values, Function<Flow, Endpoint> side) {
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

  static void addLabels(List<Check> checks, List<String> values, String field, Function<Flow, Endpoint> side) {
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
}
