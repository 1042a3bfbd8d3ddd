package io.hybridmesh.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hybridmesh.agent.kernel.FeatureFinding;
import io.hybridmesh.agent.kernel.NodeProbe;
import io.hybridmesh.agent.kernel.NodeReport;
import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.kernel.UprobeCostCalibration;
import io.hybridmesh.agent.kubernetes.NodeCapabilities;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.NativeBpf;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hmesh probe}: what this kernel offers, and how binaries or processes link their TLS. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = {"Probe this node's kernel (--kernel), or binaries and processes for their TLS "
        + "linkage and the data path Hybrid Mesh would pick for them."})
final class ProbeCommand implements Callable<Integer> {

  private static final Logger LOG = Logger.getLogger("hmesh.probe");
  static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  @Option(names = "--kernel", description = "Probe this node's kernel: BTF, BPF features, config, and what a "
      + "uprobe hit costs here (measured: probes in this process only, for a few milliseconds).")
  boolean kernel;

  @Option(names = {"-o", "--output"}, defaultValue = "table", description = "json or table (default: table).")
  String output;

  @Option(names = "--pid", paramLabel = "PID", description = "A running process to probe; repeat for more.")
  List<Integer> pids = List.of();

  @Parameters(paramLabel = "PATH", arity = "0..*", description = "Binaries or libraries to probe.")
  List<String> paths = List.of();

  @Override
  public Integer call() {
    if (!output.equals("json") && !output.equals("table")) {
      LOG.severe("--output takes json or table, not '" + output + "'");
      return 2;
    }
    if (kernel) {
      return kernel(System.out);
    }
    if (paths.isEmpty() && pids.isEmpty()) {
      LOG.severe("name what to probe: --kernel, one or more PATHs, or --pid PID");
      return 2;
    }
    return BinaryProbeOutput.run(paths, pids, output.equals("json"), System.out);
  }

  private int kernel(PrintStream out) {
    NodeReport r;
    try {
      Bpf bpf = NativeBpf.load();
      r = new NodeProbe(bpf).probe();
      // Measured, not assumed; waits for the probes to be gone, which takes longer than measuring.
      r = r.withUprobeCost(UprobeCostCalibration.measure(bpf));
    } catch (RuntimeException | LinkageError e) {
      LOG.severe("the kernel cannot be probed: " + e.getMessage());
      return 1;
    }
    if (output.equals("json")) {
      JsonObject o = new JsonObject();
      o.addProperty("kernelRelease", r.release());
      JsonArray features = new JsonArray();
      for (FeatureFinding f : r.features()) {
        JsonObject j = new JsonObject();
        j.addProperty("feature", f.feature().name());
        j.addProperty("supported", f.support().name());
        j.addProperty("how", f.how());
        features.add(j);
      }
      o.add("features", features);
      o.add("config", GSON.toJsonTree(r.config()));
      o.addProperty("configSource", r.configSource());
      o.add("degradations", GSON.toJsonTree(r.degradations()));
      o.add("uprobeCost", GSON.toJsonTree(NodeCapabilities.hitCost(r.uprobeCost())));
      out.println(GSON.toJson(o));
    } else {
      out.println("kernel " + r.release());
      out.printf("%-22s %-8s %s%n", "FEATURE", "SUPPORT", "HOW");
      for (FeatureFinding f : r.features()) {
        out.printf("%-22s %-8s %s%n", f.feature(), f.support(), f.how());
      }
      if (r.configSource() != null) {
        out.println();
        out.println("config (" + r.configSource() + "): " + r.config());
      }
      if (!r.degradations().isEmpty()) {
        out.println();
        r.degradations().forEach(d -> out.println("- " + d));
      }
      out.println();
      uprobeCostTable(r.uprobeCost(), out);
    }
    return 0;
  }

  /** Per hit, as measured on this node; the instructions named are the ones x86-64 Linux treats that way. */
  static void uprobeCostTable(UprobeCost c, PrintStream out) {
    if (!c.anyMeasured()) {
      out.println("uprobe cost: not measured: " + c.note());
      return;
    }
    out.printf("uprobe cost on this node (measured in %.1f ms, medians per hit):%n", c.calibrationMicros() / 1000.0);
    out.printf("%-48s %12s %14s%n", "PROBED FIRST INSTRUCTION", "ENTRY", "ENTRY+RETURN");
    out.printf("%-48s %12s %14s%n", "emulated (push, nop, call rel32, jmp/jcc rel)", ns(c.emulatedNs()),
        ns(c.emulatedPairNs()));
    out.printf("%-48s %12s %14s%n", "single-stepped (sub, mov, endbr64, ...)", ns(c.singleSteppedNs()),
        ns(c.singleSteppedPairNs()));
    if (c.note() != null) {
      out.println("note: " + c.note());
    }
  }

  private static String ns(long v) {
    return v == UprobeCost.NOT_MEASURED ? "not measured" : String.format(java.util.Locale.ROOT, "%,d ns", v);
  }
}
