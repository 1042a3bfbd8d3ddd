package io.hybridmesh.controller.report;

import io.hybridmesh.api.annotation.UprobeTargetEntry;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.ProbeCost;
import io.hybridmesh.api.observer.v1.ProbeSite;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.ProbeCostClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU the TLS uprobes are expected to add to each TLS call of a workload on a node. Pure.
 *
 * <p>Each TLS call (SSL_write, SSL_read, their _ex forms ...) enters one probe site and returns from it, so
 * it pays one entry+return pair there, at the price of that site's instruction class (emulated or
 * single-stepped) on that node. Not knowing which functions a workload calls how often, the expectation is
 * the mean over the workload's distinct sites (a request is one write and one read call, usually one site
 * each; OpenSSL's plain and _ex forms may share one). The node's prices are what its agent measured, never
 * a constant: a single step is a VM exit on KVM guests and nearly free on bare metal. A probe hit once per
 * connection (SSL_set_fd) is no TLS call's and is left out.
 *
 * <p>Both the cluster's status ({@code StatusBuilder}) and the demo's report ({@link WorkloadReports}) use
 * this, so {@code hmesh report} says the same in both.
 */
public final class TlsCallCost {

  private TlsCallCost() {}

  /** One place a probe goes: the same file and offset is one site however many functions lead there. */
  public record Site(String container, String file, long offset, ProbeCostClass cost) {}

  /**
   * @param nanos the expected added CPU per TLS call, or null when it cannot be told
   * @param sites how many distinct probe sites the workload has
   * @param singleStepped how many of them are single-stepped
   * @param whyNot why {@code nanos} is null, in a sentence; null when it is known
   */
  public record Estimate(Long nanos, int sites, int singleStepped, String whyNot) {}

  /** The distinct sites of the resolved targets of the containers' probes (null probes are skipped). */
  public static List<Site> sitesOfProbes(Map<String, ContainerProbe> probesByContainer) {
    Map<List<Object>, Site> out = new LinkedHashMap<>();
    probesByContainer.forEach((container, probe) -> {
      if (probe == null) {
        return;
      }
      List<GoCalls.Probe> probes = new ArrayList<>();
      for (ContainerProbe.Target t : probe.targets()) {
        if (t.resolved() && t.file() != null && t.siteOffset() != null && UprobeTargetEntry.perCall(t.symbol())) {
          probes.add(new GoCalls.Probe(t.symbol(), new Site(container, t.file(), t.siteOffset(),
              t.cost() == null ? ProbeCostClass.UNKNOWN : t.cost())));
        }
      }
      GoCalls.fold(probes).forEach(site -> add(out, site));
    });
    return List.copyOf(out.values());
  }

  /** The distinct sites of the reports' probe sites. */
  public static List<Site> sitesOfReports(List<ContainerReport> containers) {
    Map<List<Object>, Site> out = new LinkedHashMap<>();
    for (ContainerReport c : containers) {
      List<GoCalls.Probe> probes = new ArrayList<>();
      for (ProbeSite s : c.getProbeSitesList()) {
        if (!UprobeTargetEntry.perCall(s.getSymbol())) {
          continue;
        }
        probes.add(new GoCalls.Probe(s.getSymbol(), new Site(c.getName(), s.getFile(), s.getProbeOffset(),
            costClass(s.getCost()))));
      }
      GoCalls.fold(probes).forEach(site -> add(out, site));
    }
    return List.copyOf(out.values());
  }

  /** Two targets at one site that disagree on its class: the class is not known. */
  private static void add(Map<List<Object>, Site> out, Site s) {
    out.merge(List.of(s.container(), s.file(), s.offset()), s, (a, b) -> a.cost() == b.cost() ? a
        : new Site(a.container(), a.file(), a.offset(), ProbeCostClass.UNKNOWN));
  }

  /**
   * @param dataPath the workload's data path; uprobes are attached on EBPF only
   * @param sites the workload's distinct probe sites
   * @param node what an entry+return pair costs on the node
   */
  public static Estimate estimate(String dataPath, List<Site> sites, UprobePairCost node) {
    int stepped = (int) sites.stream().filter(s -> s.cost() == ProbeCostClass.SINGLE_STEPPED).count();
    int unknown = (int) sites.stream().filter(s -> s.cost() == ProbeCostClass.UNKNOWN).count();
    int n = sites.size();
    if (!"EBPF".equals(dataPath)) {
      return new Estimate(null, n, stepped, "No uprobes are attached: the data path is " + dataPath + ".");
    }
    if (n == 0) {
      return new Estimate(null, 0, 0, "No TLS function of this workload is probed.");
    }
    if (unknown > 0) {
      return new Estimate(null, n, stepped, "The agent did not say what a hit costs at " + unknown + " of the "
          + n + " probe sites (an agent older than probe sites, or an instruction it could not decode).");
    }
    List<String> missing = new ArrayList<>();
    if (n - stepped > 0 && node.emulatedNs() == null) {
      missing.add("emulated");
    }
    if (stepped > 0 && node.singleSteppedNs() == null) {
      missing.add("single-stepped");
    }
    if (!missing.isEmpty()) {
      return new Estimate(null, n, stepped, "What a uprobe pair on " + String.join(" and ", missing)
          + " instructions costs was not measured on this node" + (node.note() == null ? "." : ": " + node.note()
          + (node.note().endsWith(".") ? "" : ".")));
    }
    int emulated = n - stepped;
    double total = (emulated == 0 ? 0 : emulated * (double) node.emulatedNs())
        + (stepped == 0 ? 0 : stepped * (double) node.singleSteppedNs());
    return new Estimate(Math.round(total / n), n, stepped, null);
  }

  /** How the sites split, in words: "2 sites, both emulated", "3 sites, 1 single-stepped". */
  public static String describeSites(int sites, int singleStepped) {
    String count = sites + (sites == 1 ? " site" : " sites");
    if (singleStepped == 0) {
      return count + (sites == 1 ? ", emulated" : sites == 2 ? ", both emulated" : ", all emulated");
    }
    if (singleStepped == sites) {
      return count + (sites == 1 ? ", single-stepped" : sites == 2 ? ", both single-stepped" : ", all single-stepped");
    }
    return count + ", " + singleStepped + " single-stepped";
  }

  /** Nanoseconds as a person reads a CPU cost: "0.8 µs", "1.4 µs", "14 µs". */
  public static String micros(long ns) {
    double us = ns / 1000.0;
    // One decimal below 10 µs, judged after rounding (9,980 ns is "10 µs", not "10.0 µs").
    return String.format(Locale.ROOT, Math.round(us * 10) < 100 ? "%.1f µs" : "%.0f µs", us);
  }

  /** The report's cost class for the controller's. */
  public static ProbeCost probeCost(ProbeCostClass c) {
    if (c == null) {
      return ProbeCost.PROBE_COST_UNKNOWN;
    }
    return switch (c) {
      case EMULATED -> ProbeCost.EMULATED;
      case SINGLE_STEPPED -> ProbeCost.SINGLE_STEPPED;
      case UNKNOWN -> ProbeCost.PROBE_COST_UNKNOWN;
    };
  }

  private static ProbeCostClass costClass(ProbeCost c) {
    return switch (c) {
      case EMULATED -> ProbeCostClass.EMULATED;
      case SINGLE_STEPPED -> ProbeCostClass.SINGLE_STEPPED;
      default -> ProbeCostClass.UNKNOWN;
    };
  }
}
