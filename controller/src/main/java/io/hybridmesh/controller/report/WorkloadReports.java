package io.hybridmesh.controller.report;

import com.google.protobuf.Timestamp;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.NodeReport;
import io.hybridmesh.api.observer.v1.ProbeSite;
import io.hybridmesh.api.observer.v1.Reason;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ProbeCostClass;
import java.time.Instant;
import java.util.List;

/**
 * Turns a decision and the facts behind it into the capability report users read with
 * {@code hmesh report}: the same shape whether it comes from the local demo or from a cluster.
 * Pure: everything it says comes from its arguments.
 */
public final class WorkloadReports {

  private WorkloadReports() {}

  /** Who the report is about. */
  public record Workload(String namespace, String name, String kind) {}

  public static WorkloadReport build(Workload workload, Inputs.Mode requested, Decision decision,
      List<NodeFacts> nodes, List<ContainerReport> containers, Instant probedAt) {
    WorkloadReport.Builder b = WorkloadReport.newBuilder()
        .setNamespace(workload.namespace())
        .setName(workload.name())
        .setKind(workload.kind())
        .setDataPath(dataPath(decision.dataPath()))
        .setL7Visibility(visibility(decision.visibility()))
        .setRequestedMode(requested.name())
        .setProbedAt(Timestamp.newBuilder().setSeconds(probedAt.getEpochSecond()).setNanos(probedAt.getNano()));
    if (!nodes.isEmpty()) {
      b.setNodeName(nodes.get(0).node());
    }
    for (Decision.Reason r : decision.reasons()) {
      b.addReasons(Reason.newBuilder().setCode(r.code().name()).setMessage(r.message()));
    }
    List<TlsCallCost.Site> sites = TlsCallCost.sitesOfReports(containers);
    for (NodeFacts n : nodes) {
      b.addNodes(node(n, TlsCallCost.estimate(decision.dataPath().name(), sites, n.uprobeCost())));
    }
    b.addAllContainers(containers);
    containers.stream().map(ContainerReport::getLibrary).distinct()
        .filter(l -> l != io.hybridmesh.api.flow.v1.TlsLibrary.TLS_LIBRARY_UNKNOWN)
        .forEach(b::addTlsLibraries);
    describe(decision.dataPath(), decision.visibility(), readsPlaintext(nodes), b);
    describeConnectionsUnseen(b);
    return b.build();
  }

  /**
   * Adds, to a report of the eBPF path with L7 in full, that the L7 flows of a container on BoringSSL may
   * come without their connection: BoringSSL as Netty's netty-tcnative uses it reads and writes memory
   * buffers, not the socket, so the kernel sees no connection during the TLS call (the agent's kernel tests
   * show it). Called once the report's containers are in.
   */
  public static void describeConnectionsUnseen(WorkloadReport.Builder b) {
    if (b.getDataPath() != WorkloadDataPath.EBPF || b.getL7Visibility() != L7Visibility.L7_FULL) {
      return;
    }
    b.getContainersList().stream().filter(c -> c.getLibrary() == io.hybridmesh.api.flow.v1.TlsLibrary.BORINGSSL)
        .map(ContainerReport::getName).distinct().forEach(name -> b.addMisses(String.format(CONNECTION_UNSEEN,
            name)));
  }

  private static final String CONNECTION_UNSEEN = "the addresses and ports of container %s's HTTP requests and "
      + "responses when its BoringSSL is given memory buffers instead of the connection (Netty's netty-tcnative "
      + "does): those flows carry the process, say so in their completeness reason, and are counted by the "
      + "agent; the connection itself shows at L3/L4";

  /** Whether the agents of all these nodes read plaintext HTTP at the socket (none is not all). */
  static boolean readsPlaintext(List<NodeFacts> nodes) {
    return !nodes.isEmpty() && nodes.stream().allMatch(NodeFacts::canReadPlaintext);
  }

  /**
   * Adds what the data path sees and what it misses, in words.
   *
   * @param plaintextRead whether the nodes' agents read plaintext HTTP at the socket, which the eBPF path
   *     then sees beside HTTP inside TLS
   */
  public static void describe(Decision.DataPath path, Decision.Visibility visibility, boolean plaintextRead,
      WorkloadReport.Builder b) {
    Visibility v = Visibility.of(path, visibility);
    v.describe(b);
    if (v == Visibility.EBPF_FULL) {
      if (plaintextRead) {
        b.addSees(PLAINTEXT_SEEN);
      } else {
        b.addMisses(PLAINTEXT_MISSED);
      }
    }
    if (v == Visibility.EBPF_FULL || v == Visibility.SIDECAR_FULL) {
      b.addMisses(BODIES);
    }
  }

  private static final String PLAINTEXT_SEEN = "plaintext HTTP/1.x and HTTP/2 (h2c) at the TCP socket: method, "
      + "host, path, status, latency (syscall tracepoints; a connection that starts with a TLS record is left "
      + "to the TLS probes)";
  private static final String PLAINTEXT_MISSED = "plaintext HTTP beside the TLS library: this node's agent does "
      + "not read HTTP at the socket (an older agent, or --plaintext off)";
  private static final String BODIES = "request and response bodies (never kept)";

  /** One node's facts and what the workload's TLS uprobes are expected to cost there. */
  public static NodeReport node(NodeFacts n, TlsCallCost.Estimate tlsCall) {
    NodeReport.Builder b = NodeReport.newBuilder().setName(n.node()).setKernel(n.kernelRelease())
        .setCapable(n.canReadTls()).setGuess(n.guess());
    n.missingForL7().forEach(f -> b.addMissingFeatures(f.name()));
    tlsCall(b, tlsCall.nanos(), tlsCall.whyNot(), n.uprobeCost().emulatedNs(), n.uprobeCost().singleSteppedNs());
    return b.build();
  }

  /**
   * The expected CPU per TLS call and the node's measured pair costs, as the report carries them: absent
   * values are 0 (proto3 has no null), and the note says why the expectation is absent. The demo's report
   * and the cluster's ({@link ClusterWorkloadReports}) fill these through here, so they read alike.
   */
  static void tlsCall(NodeReport.Builder b, Long nanos, String whyNot, Long emulatedPairNs, Long steppedPairNs) {
    b.setTlsCallNs(positive(nanos)).setEmulatedPairNs(positive(emulatedPairNs))
        .setSingleSteppedPairNs(positive(steppedPairNs));
    if (nanos == null || nanos <= 0) {
      b.setTlsCallNote(whyNot == null ? "" : whyNot);
    }
  }

  private static long positive(Long v) {
    return v == null || v < 0 ? 0 : v;
  }

  /**
   * A container's probe sites for the report: every resolved target, with the offset really probed (the
   * entry when the agent did not analyse the site, as it then probes the entry).
   */
  public static ProbeSite probeSite(String symbol, String file, long offset, Long probeOffset, String instruction,
      ProbeCostClass cost, String site) {
    return ProbeSite.newBuilder().setSymbol(nz(symbol)).setFile(nz(file)).setOffset(offset)
        .setProbeOffset(probeOffset == null ? offset : probeOffset).setInstruction(nz(instruction))
        .setCost(TlsCallCost.probeCost(cost)).setSite(nz(site)).build();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  public static WorkloadDataPath dataPath(Decision.DataPath p) {
    return switch (p) {
      case EBPF -> WorkloadDataPath.EBPF;
      case SIDECAR -> WorkloadDataPath.SIDECAR;
      case NONE -> WorkloadDataPath.NONE;
      case PENDING -> WorkloadDataPath.PENDING;
    };
  }

  public static L7Visibility visibility(Decision.Visibility v) {
    return switch (v) {
      case FULL -> L7Visibility.L7_FULL;
      case L4_ONLY, NONE -> L7Visibility.L7_NONE;
      case TLS_METADATA_ONLY -> L7Visibility.L7_TLS_METADATA;
    };
  }

  /** What each data path shows, in words a user can check against the flows they get. */
  private enum Visibility {
    EBPF_FULL(List.of(
        "connections: addresses, ports, TCP states, bytes and packets each way (TC programs)",
        "HTTP/1.x and HTTP/2 requests and responses inside TLS: method, host, path, status, latency;"
            + " gRPC service, method and status (uprobes on the TLS library)"),
        List.of("HTTP/2 header fields of a connection first seen mid-stream (the flow says which are unknown)")),
    EBPF_L4(List.of("connections: addresses, ports, TCP states, bytes and packets each way (TC programs)"),
        List.of("HTTP requests and responses: the kernel cannot read this workload's TLS (see the reasons)")),
    SIDECAR_FULL(List.of(
        "HTTP/1.x and HTTP/2 requests and responses through the Envoy sidecar: method, host, path, status,"
            + " latency; gRPC service, method and status of each call (Envoy access logs)",
        "connections that pass the sidecar: addresses, ports, bytes"),
        List.of("a gRPC streaming call while it is open: Envoy logs each call once, when its stream ends,"
                + " with its final status and whole duration",
            "HTTP, HTTP/2 and gRPC on ports no Service declares as such (appProtocol, or a port name http-,"
                + " http2-, grpc-): the sidecar passes them as TCP connections",
            "traffic that bypasses the sidecar's capture rules")),
    SIDECAR_TLS_METADATA(List.of(
        "connections that pass the sidecar: addresses, ports, bytes",
        "TLS metadata of the application's own TLS: server name (SNI), version"),
        List.of("HTTP inside the TLS the application does itself: the sidecar sees only ciphertext")),
    NOTHING(List.of(), List.of("everything: this workload is not observed")),
    PENDING(List.of(), List.of("everything, until a node this workload runs on reports its kernel"));

    private final List<String> sees;
    private final List<String> misses;

    Visibility(List<String> sees, List<String> misses) {
      this.sees = sees;
      this.misses = misses;
    }

    static Visibility of(Decision.DataPath path, Decision.Visibility v) {
      return switch (path) {
        case EBPF -> v == Decision.Visibility.FULL ? EBPF_FULL : v == Decision.Visibility.NONE ? NOTHING : EBPF_L4;
        case SIDECAR -> v == Decision.Visibility.TLS_METADATA_ONLY ? SIDECAR_TLS_METADATA : SIDECAR_FULL;
        case NONE -> NOTHING;
        case PENDING -> PENDING;
      };
    }

    void describe(WorkloadReport.Builder b) {
      b.addAllSees(sees).addAllMisses(misses);
    }
  }
}
