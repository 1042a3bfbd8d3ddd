package io.hybridmesh.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.Reason;
import io.hybridmesh.agent.probe.binary.TlsLibrary;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.agent.probe.binary.UprobeTargetJson;
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
      JsonArray all = new JsonArray();
      results.forEach(r -> all.add(toJson(r)));
      out.println(ProbeCommand.GSON.toJson(all));
    } else {
      table(results, out);
    }
    return results.stream().allMatch(ProbeResult::ok) ? 0 : 1;
  }

  static JsonObject toJson(ProbeResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("path", r.path());
    if (!r.ok()) {
      o.addProperty("error", r.error());
      o.add("reasons", reasons(r.reasons(), List.of()));
      return o;
    }
    Decision d = ProbeVerdicts.decide(r);
    o.addProperty("library", r.library().name());
    o.addProperty("libraryVersion", r.libraryVersion());
    o.addProperty("linkage", r.linkage().name());
    o.addProperty("verdict", d.dataPath().name());
    o.addProperty("l7Visibility", d.visibility().name());
    o.add("uprobeTargets", targets(r.uprobeTargets()));
    o.addProperty("goVersion", r.goVersion());
    o.addProperty("goBoringCrypto", r.goBoringCrypto());
    o.addProperty("stripped", r.stripped());
    o.addProperty("buildId", r.buildId());
    JsonArray libraries = new JsonArray();
    for (TlsLibrary l : r.libraries()) {
      JsonObject j = new JsonObject();
      j.addProperty("library", l.kind().name());
      j.addProperty("file", l.file());
      j.addProperty("linkage", l.linkage().name());
      j.addProperty("depth", l.depth());
      j.addProperty("version", l.version());
      j.add("uprobeTargets", targets(l.uprobeTargets()));
      libraries.add(j);
    }
    o.add("libraries", libraries);
    o.add("reasons", reasons(r.reasons(), d.reasons()));
    return o;
  }

  private static JsonArray targets(List<UprobeTarget> targets) {
    JsonArray a = new JsonArray();
    targets.forEach(t -> a.add(UprobeTargetJson.of(t)));
    return a;
  }

  /** The prober's findings, then the decision's, each code once. */
  private static JsonArray reasons(List<Reason> probe, List<Decision.Reason> decision) {
    JsonArray a = new JsonArray();
    Set<String> seen = new LinkedHashSet<>();
    for (Reason r : probe) {
      if (seen.add(r.code())) {
        a.add(reason(r.code(), r.message()));
      }
    }
    for (Decision.Reason r : decision) {
      if (seen.add(r.code().name())) {
        a.add(reason(r.code().name(), r.message()));
      }
    }
    return a;
  }

  private static JsonObject reason(String code, String message) {
    JsonObject j = new JsonObject();
    j.addProperty("code", code);
    j.addProperty("message", message);
    return j;
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
