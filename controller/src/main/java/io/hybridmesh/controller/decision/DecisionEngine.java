package io.hybridmesh.controller.decision;

import io.hybridmesh.controller.decision.Decision.DataPath;
import io.hybridmesh.controller.decision.Decision.Reason;
import io.hybridmesh.controller.decision.Decision.Visibility;
import io.hybridmesh.controller.decision.Inputs.Container;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides eBPF or sidecar per workload. Pure and deterministic: the same {@link Inputs} give the same
 * {@link Decision}, so a workload changes path only when a fact changes. The table (docs/decision-rules.md):
 *
 * <pre>
 * mode     facts                                                     data path  L7 visibility
 * off      any                                                       NONE       NONE
 * ebpf     any capable-for-L4 node set                               EBPF       FULL if every container is
 *                                                                               readable, else L4_ONLY
 * sidecar  any                                                       SIDECAR    FULL for plaintext apps,
 *                                                                               TLS_METADATA_ONLY if the app
 *                                                                               does TLS itself
 * auto     no node facts                                             PENDING    NONE
 * auto     every container readable by a supported probe whose       EBPF       FULL
 *          targets resolve, on every node (TLS needs BTF, uprobes,
 *          syscall tracepoints, task BTF; plaintext needs TC+ringbuf,
 *          BTF, task BTF and an agent that reads plaintext at the
 *          socket, PLAINTEXT_SOCKET)
 * auto     a container whose TLS cannot be read, but every connection EBPF       FULL
 *          the agents saw its pods make or take began in plaintext
 *          HTTP (none with TLS), plaintext read on every node
 * auto     otherwise, fallback sidecar                               SIDECAR    as for mode sidecar
 * auto     otherwise, fallback none, TC+ringbuf on every node        EBPF       L4_ONLY
 * auto     otherwise, fallback none                                  NONE       NONE
 * </pre>
 *
 * A container is readable when its probe kind (plaintext, OpenSSL, Go ...) is among those the agent
 * supports today; adding support for a kind flips its workloads to eBPF without a change here.
 */
public final class DecisionEngine {

  private DecisionEngine() {}

  public static Decision decide(Inputs in) {
    if (in.mode() == Mode.OFF) {
      return new Decision(DataPath.NONE, Visibility.NONE, List.of(new Reason(ReasonCode.MODE_OFF,
          "Observation is off for this workload (hybridmesh.io/mode: off).")));
    }
    if (in.nodes().isEmpty()) {
      return new Decision(DataPath.PENDING, Visibility.NONE, List.of(new Reason(ReasonCode.NO_NODE_FACTS,
          "No node this workload runs on has reported its kernel yet; the decision waits for one.")));
    }
    List<Reason> kernel = KernelReasons.of(in.nodes());
    boolean l4Everywhere = in.nodes().stream().allMatch(NodeFacts::canObserveConnections);
    boolean tlsEverywhere = in.nodes().stream().allMatch(NodeFacts::canReadTls);
    List<String> noPlaintext = in.nodes().stream().filter(n -> !n.canReadPlaintext()).map(NodeFacts::node).toList();
    List<String> plaintextAtTc = in.nodes().stream().filter(NodeFacts::readsPlaintextAtTc).map(NodeFacts::node)
        .toList();

    List<Reason> containers = new ArrayList<>();
    boolean allReadable = true;
    boolean appDoesTls = false;
    for (Container c : in.containers()) {
      ContainerVerdict v = ContainerVerdict.of(c, in.supported(), l4Everywhere, tlsEverywhere, noPlaintext,
          plaintextAtTc, in.observed(), in.onlyPlaintextHttpSeen());
      allReadable &= v.readable();
      appDoesTls |= v.appDoesTls();
      containers.add(v.reason());
    }
    Visibility sidecarSees = appDoesTls ? Visibility.TLS_METADATA_ONLY : Visibility.FULL;
    Visibility ebpfSees = !l4Everywhere ? Visibility.NONE : allReadable ? Visibility.FULL : Visibility.L4_ONLY;

    List<Reason> reasons = new ArrayList<>();
    DataPath path;
    Visibility visibility;
    switch (in.mode()) {
      case EBPF -> {
        path = DataPath.EBPF;
        visibility = ebpfSees;
        reasons.add(new Reason(ReasonCode.MODE_EBPF_REQUESTED, "The eBPF data path was requested "
            + "(hybridmesh.io/mode: ebpf); it sees " + describe(ebpfSees) + " here."));
      }
      case SIDECAR -> {
        path = DataPath.SIDECAR;
        visibility = sidecarSees;
        reasons.add(new Reason(ReasonCode.MODE_SIDECAR_REQUESTED, "A sidecar was requested "
            + "(hybridmesh.io/mode: sidecar); it sees " + describe(sidecarSees) + "."));
      }
      default -> {
        if (allReadable) {
          path = DataPath.EBPF;
          visibility = Visibility.FULL;
        } else if (in.fallback() == Fallback.SIDECAR) {
          path = DataPath.SIDECAR;
          visibility = sidecarSees;
        } else {
          path = l4Everywhere ? DataPath.EBPF : DataPath.NONE;
          visibility = ebpfSees;
          reasons.add(new Reason(ReasonCode.FALLBACK_NONE, "The kernel cannot read this workload's L7 and "
              + "hybridmesh.io/fallback is none, so no sidecar is added; it is observed at "
              + describe(visibility) + "."));
        }
      }
    }
    // The reasons that decided come first: what blocked the eBPF path, then the rest.
    containers.stream().filter(r -> !isOk(r)).forEach(reasons::add);
    kernel.forEach(reasons::add);
    containers.stream().filter(DecisionEngine::isOk).forEach(reasons::add);
    return new Decision(path, visibility, reasons);
  }

  private static boolean isOk(Reason r) {
    return r.code() == ReasonCode.UPROBE_TARGETS_OK || r.code() == ReasonCode.TLS_NONE;
  }

  static String describe(Visibility v) {
    return switch (v) {
      case FULL -> "every request and response (method, path, status, latency)";
      case L4_ONLY -> "connections only (addresses, ports, bytes), no HTTP";
      case TLS_METADATA_ONLY -> "TLS metadata (SNI, version) and connections, no HTTP, because the "
          + "application encrypts before the sidecar";
      case NONE -> "nothing";
    };
  }
}
