package io.hybridmesh.controller.report;

import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.controller.report.TlsCallCost.Site;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's probe sites as calls. A Go function is probed at its entry and at each of its {@code ret}s (listed as
 * {@code function+0xN}), never with a return probe; a call hits its entry and exactly one of its returns. So
 * for what a call costs, a Go function is one site whose price is the dearer of its entry's and its returns'
 * classes (one single-stepped probe in a call makes it a single-stepped pair, near enough). Other sites pass
 * through. Pure.
 */
final class GoCalls {

  /** A probed target: its symbol, and its site as TlsCallCost counts it. */
  record Probe(String symbol, Site site) {}

  private static final Pattern RETURN = Pattern.compile("(.+)\\+0x[0-9a-f]+");

  private GoCalls() {}

  static List<Site> fold(List<Probe> probes) {
    Map<String, ProbeCostClass> returns = new LinkedHashMap<>();
    for (Probe p : probes) {
      Matcher m = RETURN.matcher(p.symbol() == null ? "" : p.symbol());
      if (m.matches()) {
        returns.merge(p.site().file() + " " + m.group(1), p.site().cost(), GoCalls::dearer);
      }
    }
    List<Site> out = new ArrayList<>();
    for (Probe p : probes) {
      if (p.symbol() != null && RETURN.matcher(p.symbol()).matches()) {
        continue;
      }
      ProbeCostClass ret = returns.get(p.site().file() + " " + p.symbol());
      Site s = p.site();
      out.add(ret == null ? s : new Site(s.container(), s.file(), s.offset(), dearer(s.cost(), ret)));
    }
    return out;
  }

  private static ProbeCostClass dearer(ProbeCostClass a, ProbeCostClass b) {
    if (a == ProbeCostClass.UNKNOWN || b == ProbeCostClass.UNKNOWN) {
      return ProbeCostClass.UNKNOWN;
    }
    return a == ProbeCostClass.SINGLE_STEPPED || b == ProbeCostClass.SINGLE_STEPPED ? ProbeCostClass.SINGLE_STEPPED
        : a;
  }
}
