package io.hybridmesh.cli.demo;

import io.hybridmesh.agent.kernel.UprobeCost;
import io.hybridmesh.agent.kubernetes.NodeCapabilities;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.cli.ProbeVerdicts;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.UprobePairCost;
import io.hybridmesh.controller.facts.NodeFactsReader;
import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.controller.report.WorkloadReports;
import java.time.Instant;
import java.util.List;

/**
 * The demo's decisions, made as the controller makes them in a cluster: the node's kernel as the agent
 * found it, each workload's running process as the binary prober reads it, auto mode, sidecar fallback.
 */
final class DemoReports {

  static final String NAMESPACE = "demo";
  static final String KIND = "NetworkNamespace";

  private DemoReports() {}

  /** One workload's report and whether it gets the eBPF data path. */
  record Outcome(String workload, long pid, WorkloadReport report) {
    boolean ebpf() {
      return report.getDataPath() == io.hybridmesh.api.observer.v1.WorkloadDataPath.EBPF;
    }
  }

  static Outcome decide(String workload, long pid, String binaryName, NodeFacts node, BinaryProber prober) {
    ProbeResult probe = prober.probeProcess((int) pid);
    Inputs.Container container = ProbeVerdicts.container(probe);
    Decision decision = DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR,
        List.of(node), List.of(container), ProbeVerdicts.AGENT_SUPPORTS));
    WorkloadReport report = WorkloadReports.build(new WorkloadReports.Workload(NAMESPACE, workload, KIND),
        Inputs.Mode.AUTO, decision, List.of(node), List.of(container(binaryName, probe)), Instant.now());
    return new Outcome(workload, pid, report);
  }

  static ContainerReport container(String name, ProbeResult probe) {
    ContainerReport.Builder b = ContainerReport.newBuilder().setName(name).setBinary(probe.path())
        .setLinkage(probe.linkage().name());
    switch (probe.library()) {
      case NONE -> b.setPlaintext(true);
      case UNKNOWN -> b.setLibrary(TlsLibrary.TLS_LIBRARY_UNKNOWN);
      default -> b.setLibrary(TlsLibrary.valueOf(probe.library().name()));
    }
    if (probe.libraryVersion() != null) {
      b.setLibraryVersion(probe.libraryVersion());
    }
    if (probe.goVersion() != null) {
      b.setGoVersion(probe.goVersion());
      b.setGoBoringCrypto(probe.goBoringCrypto());
    }
    probe.libraries().stream().map(l -> l.go()).filter(g -> g != null).findFirst().ifPresent(g -> {
      b.setGoFunctionsFrom(g.functionsFrom() == null ? "" : g.functionsFrom());
      b.setGoStructOffsets(g.offsets() == null ? "" : g.offsets().source());
    });
    probe.uprobeTargets().stream().filter(UprobeTarget::isResolved)
        .forEach(t -> b.addUprobeTargets(t.file() + ":" + t.symbol()));
    probe.uprobeTargets().stream().filter(UprobeTarget::isResolved)
        .forEach(t -> b.addProbeSites(WorkloadReports.probeSite(t.symbol(), t.file(), t.offset(), t.probeOffset(),
            t.instruction(), t.cost() == null ? null : ProbeCostClass.parse(t.cost().name()), t.site())));
    return b.build();
  }

  /**
   * The demo node's measured uprobe cost as the controller reads a NodeCapability's: through the same
   * conversion and checks, so the demo's report says what a cluster's would.
   */
  static UprobePairCost pairCost(UprobeCost measured) {
    return NodeFactsReader.uprobeCost(NodeCapabilities.hitCost(measured));
  }
}
