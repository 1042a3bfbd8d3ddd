package io.hybridmesh.agent.observer;

import io.hybridmesh.agent.observer.FlowFilters.Check;
import io.hybridmesh.api.flow.v1.Layer7;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks on HTTP method, status and path. Part of {@link FlowFilters}; each method adds the checks of one filter field. */
final class HttpChecks {
  private HttpChecks() {}

  // ---- HTTP ----

  static void addHttpMethod(List<Check> checks, List<String> values) {
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

  static void addHttpStatus(List<Check> checks, List<String> values, String field) {
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

  static void addHttpPath(List<Check> checks, List<String> values, String field) {
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
}
