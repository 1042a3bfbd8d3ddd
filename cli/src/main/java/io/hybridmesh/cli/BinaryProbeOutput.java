package io.hybridmesh.cli;

import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeEntries;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.Reason;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.annotation.ProbeEntry;
import io.hybridmesh.api.annotation.ProbeReasonEntry;
import io.hybridmesh.controller.decision.Decision;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code hmesh probe PATH... | --pid PID...}: one result per input, in JSON or as a table. */
final class BinaryProbeOutput {

  private BinaryProbeOutput() {}

  /** @return 0 when every input was analysed, 1 otherwise */
  static int run(List<String> paths, List<Integer> pids, boolean json, PrintStream out) {
    BinaryProber prober = new BinaryProber();
    List<ProbeResult> results = new ArrayList<>();
    paths.forEach(p -> results.add(prober.probeFile(java.nio.file.Path.of(p))));
    pids.forEach(pid -> results.add(prober.probeProcess(pid)));
    if (json) {
      out.println(ProbeAnnotation.toJsonArray(results.stream().map(BinaryProbeOutput::entry).toList()));
    } else {
      table(results, out);
    }
    return results.stream().allMatch(ProbeResult::ok) ? 0 : 1;
  }

  /** One result with its verdict: an element of {@code --output json} and of the pod annotation alike. */
  static ProbeEntry entry(ProbeResult r) {
    if (!r.ok()) {
      return ProbeEntries.of(r, null, null, reasons(r.reasons(), List.of()));
    }
    Decision d = ProbeVerdicts.decide(r);
    return ProbeEntries.of(r, d.dataPath().name(), d.visibility().name(), reasons(r.reasons(), d.reasons()));
  }

  /** The prober's findings, then the decision's, each code once. */
  private static List<ProbeReasonEntry> reasons(List<Reason> probe, List<Decision.Reason> decision) {
    List<ProbeReasonEntry> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Reason r : probe) {
      if (seen.add(r.code())) {
        out.add(ProbeEntries.reason(r.code(), r.message()));
      }
    }
    for (Decision.Reason r : decision) {
      if (seen.add(r.code().name())) {
        out.add(ProbeEntries.reason(r.code().name(), r.message()));
      }
    }
    return out;
  }

  private static void table(List<ProbeResult> results, PrintStream out) {
    out.printf("%-40s %-14s %-8s %-8s %-8s %s%n", "PATH", "LIBRARY", "LINKAGE", "VERDICT", "TARGETS", "REASON");
    for (ProbeResult r : results) {
      if (!r.ok()) {
        out.printf("%-40s %-14s %-8s %-8s %-8s %s%n", r.path(), "-", "-", "-", "-", "error: " + r.error());
        continue;
      }
      Decision d = ProbeVerdicts.decide(r);
      long resolved = r.uprobeTargets().stream().filter(UprobeTarget::isResolved).count();
      out.printf("%-40s %-14s %-8s %-8s %-8s %s%n", r.path(), r.library(), r.linkage(), d.dataPath(),
          resolved + "/" + r.uprobeTargets().size(), d.headline().message());
    }
  }
}
