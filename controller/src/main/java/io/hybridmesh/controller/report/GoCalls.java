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
 * classes (one single-stepped probe in a call makes it a single-stepped pair, near enough). Read may instead
 * be read at its deferred unlock closure (listed by the closure's name, {@code function.func1} or
 * {@code function.deferwrap1}), which every return after Read takes its lock runs: then the call's price is
 * the dearer of its entry's and the closure's, and the rets that keep probes (returns before the lock: an
 * empty buffer, a failed handshake) do not count. The handshakes' entries, hit once per connection, are no
 * part of a call. Other sites pass through. Pure.
 */
final class GoCalls {

  /** A probed target: its symbol, and its site as TlsCallCost counts it. */
  record Probe(String symbol, Site site) {}

  private static final Pattern RETURN = Pattern.compile("(.+)\\+0x[0-9a-f]+");
  private static final Pattern UNLOCK = Pattern.compile("(.+)\\.(?:func|deferwrap)[0-9]+");
  /** Probed once per connection, where its handshake runs: no part of what a TLS call costs. */
  private static final Pattern HANDSHAKE = Pattern.compile(".+\\.\\(\\*Conn\\)\\.(?:server|client)Handshake");

  private GoCalls() {}

  static List<Site> fold(List<Probe> probes) {
    Map<String, ProbeCostClass> returns = new LinkedHashMap<>();
    Map<String, ProbeCostClass> unlocks = new LinkedHashMap<>();
    for (Probe p : probes) {
      Matcher m = RETURN.matcher(p.symbol() == null ? "" : p.symbol());
      if (m.matches()) {
        returns.merge(p.site().file() + " " + m.group(1), p.site().cost(), GoCalls::dearer);
      }
      Matcher u = UNLOCK.matcher(p.symbol() == null ? "" : p.symbol());
      if (u.matches()) {
        unlocks.merge(p.site().file() + " " + u.group(1), p.site().cost(), GoCalls::dearer);
      }
    }
    List<Site> out = new ArrayList<>();
    for (Probe p : probes) {
      String symbol = p.symbol() == null ? "" : p.symbol();
      if (RETURN.matcher(symbol).matches() || UNLOCK.matcher(symbol).matches()) {
        continue; // counted with its function
      }
      if (HANDSHAKE.matcher(symbol).matches()) {
        continue;
      }
      String function = p.site().file() + " " + symbol;
      ProbeCostClass ret = unlocks.containsKey(function) ? unlocks.get(function) : returns.get(function);
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
