package io.hybridmesh.agent.observer;

import io.hybridmesh.agent.observer.FlowFilters.Check;
import io.hybridmesh.api.flow.GrpcStatus;
import io.hybridmesh.api.flow.v1.GRPC;
import java.util.List;

/** Checks on a gRPC call's service, method and status. Part of {@link FlowFilters}. */
final class GrpcChecks {
  private GrpcChecks() {}

  /** "package.Service" matches every method of it; "package.Service/Method" that method only. */
  static void addService(List<Check> checks, List<String> values, String field) {
    if (values.isEmpty()) {
      return;
    }
    String[] services = new String[values.size()];
    String[] methods = new String[values.size()];
    for (int i = 0; i < services.length; i++) {
      String v = values.get(i).trim();
      int slash = v.indexOf('/');
      services[i] = slash < 0 ? v : v.substring(0, slash);
      methods[i] = slash < 0 ? null : v.substring(slash + 1);
      if (services[i].isEmpty() || (methods[i] != null && (methods[i].isEmpty() || methods[i].indexOf('/') >= 0))) {
        throw new IllegalArgumentException(field + ": \"" + values.get(i)
            + "\" is not a gRPC service; use package.Service or package.Service/Method");
      }
    }
    checks.add(f -> {
      if (!f.hasL7() || !f.getL7().hasGrpc()) {
        return false;
      }
      GRPC g = f.getL7().getGrpc();
      for (int i = 0; i < services.length; i++) {
        if (services[i].equals(g.getService()) && (methods[i] == null || methods[i].equals(g.getMethod()))) {
          return true;
        }
      }
      return false;
    });
  }

  static void addStatus(List<Check> checks, List<String> values, String field) {
    if (values.isEmpty()) {
      return;
    }
    int[] codes = new int[values.size()];
    for (int i = 0; i < codes.length; i++) {
      try {
        codes[i] = GrpcStatus.parse(values.get(i));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
      }
    }
    checks.add(f -> {
      // A request, or a call whose trailers were not seen, has no status yet: it never matches.
      if (!f.hasL7() || !f.getL7().hasGrpc() || f.getL7().getGrpc().getStatusName().isEmpty()) {
        return false;
      }
      int code = f.getL7().getGrpc().getStatusCode();
      for (int c : codes) {
        if (c == code) {
          return true;
        }
      }
      return false;
    });
  }
}
