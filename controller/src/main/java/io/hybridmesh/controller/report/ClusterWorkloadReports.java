package io.hybridmesh.controller.report;

import com.google.protobuf.Timestamp;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.NodeReport;
import io.hybridmesh.api.observer.v1.PodShortfall;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.v1alpha1.NodeStatus;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.L7Visibility;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.Reason;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.api.v1alpha1.ContainerStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.api.v1alpha1.WorkloadCapability;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster's capability reports in the Observer API's shape: WorkloadCapability objects read from the API
 * server and mapped to {@code hybridmesh.observer.v1.WorkloadReport}, the same message the local demo serves,
 * so {@code hmesh report} shows both alike. From a kubeconfig (or in-cluster):
 * {@code new ClusterWorkloadReports(KubeClients.connect(path)).list(request)}.
 */
public final class ClusterWorkloadReports {

  private final KubernetesClient client;

  public ClusterWorkloadReports(KubernetesClient client) {
    this.client = client;
  }

  /** Reports in the request's namespaces (all when empty) whose workload name has one of its prefixes. */
  public List<WorkloadReport> list(ListWorkloadsRequest request) {
    List<WorkloadCapability> all = request.getNamespaceList().isEmpty()
        ? client.resources(WorkloadCapability.class).inAnyNamespace().list().getItems()
        : request.getNamespaceList().stream().flatMap(ns -> client.resources(WorkloadCapability.class)
            .inNamespace(ns).list().getItems().stream()).toList();
    return all.stream().map(ClusterWorkloadReports::toReport)
        .filter(r -> request.getNamePrefixList().isEmpty()
            || request.getNamePrefixList().stream().anyMatch(p -> r.getName().startsWith(p)))
        .sorted(Comparator.comparing(WorkloadReport::getNamespace).thenComparing(WorkloadReport::getName)
            .thenComparing(WorkloadReport::getKind))
        .toList();
  }

  /** One report. Pure; fields the controller has not written yet map to their UNKNOWN values. */
  public static WorkloadReport toReport(WorkloadCapability w) {
    WorkloadReport.Builder b = WorkloadReport.newBuilder().setNamespace(nz(w.getMetadata().getNamespace()));
    boolean hasRef = w.getSpec() != null && w.getSpec().getWorkload() != null;
    b.setName(nz(hasRef ? w.getSpec().getWorkload().getName() : w.getMetadata().getName()));
    b.setKind(nz(hasRef ? w.getSpec().getWorkload().getKind() : ""));
    WorkloadCapabilityStatus s = w.getStatus();
    if (s == null) {
      return b.build();
    }
    if (s.getNodes() != null && s.getNodes().size() == 1) {
      b.setNodeName(nz(s.getNodes().get(0).getName()));
    }
    Decision.DataPath path = enumOr(Decision.DataPath.class, s.getDataPath(), null);
    Decision.Visibility seen = enumOr(Decision.Visibility.class, s.getL7Visibility(), null);
    b.setDataPath(path == null ? WorkloadDataPath.WORKLOAD_DATA_PATH_UNKNOWN : WorkloadReports.dataPath(path));
    b.setL7Visibility(visibility(s.getDataPath(), s.getL7Visibility()));
    if (path != null && seen != null) {
      WorkloadReports.describe(path, seen, readsPlaintext(s.getNodes()), b);
    }
    b.setRequestedMode(nz(s.getRequestedMode()));
    libraries(s.getContainers()).forEach(b::addTlsLibraries);
    if (s.getContainers() != null) {
      s.getContainers().forEach(c -> b.addContainers(container(c)));
    }
    WorkloadReports.describeConnectionsUnseen(b);
    if (s.getNodes() != null) {
      for (NodeStatus n : s.getNodes()) {
        NodeReport.Builder node = NodeReport.newBuilder().setName(nz(n.getName())).setKernel(nz(n.getKernel()))
            .setCapable(Boolean.TRUE.equals(n.getCapable())).setGuess(Boolean.TRUE.equals(n.getGuess()))
            .addAllMissingFeatures(n.getMissingFeatures() == null ? List.of() : n.getMissingFeatures());
        WorkloadReports.tlsCall(node, n.getTlsCallNanos(), n.getTlsCallNote(), n.getEmulatedPairNs(),
            n.getSingleSteppedPairNs());
        b.addNodes(node);
      }
    }
    b.setPlacement(nz(s.getPlacement()));
    b.setObservedPorts(nz(s.getObservedPorts()));
    if (s.getPodsOnIncapableNodes() != null) {
      for (PodPlacementStatus p : s.getPodsOnIncapableNodes()) {
        b.addPodsOnIncapableNodes(PodShortfall.newBuilder().setPod(nz(p.getPod())).setNode(nz(p.getNode()))
            .setL7Visibility(nz(p.getL7Visibility())).setLacks(nz(p.getLacks())));
      }
    }
    if (s.getReasons() != null) {
      for (ReasonStatus r : s.getReasons()) {
        b.addReasons(Reason.newBuilder().setCode(nz(r.getCode())).setMessage(nz(r.getMessage())));
      }
    }
    String when = s.getDecidedAt() != null ? s.getDecidedAt() : w.getMetadata().getCreationTimestamp();
    timestamp(when).ifPresent(b::setProbedAt);
    return b.build();
  }

  /**
   * Whether every node's agent reads plaintext at the socket, as the status lists it: a node that lacks it
   * names {@code PLAINTEXT_SOCKET} among its missing features.
   */
  private static boolean readsPlaintext(List<NodeStatus> nodes) {
    return nodes != null && !nodes.isEmpty() && nodes.stream().noneMatch(n -> n.getMissingFeatures() != null
        && n.getMissingFeatures().contains(KernelFeature.PLAINTEXT_SOCKET.name()));
  }

  private static ContainerReport container(ContainerStatus c) {
    ContainerReport.Builder b = ContainerReport.newBuilder().setName(nz(c.getName())).setImage(nz(c.getImage()))
        .setBinary(nz(c.getBinary())).setLinkage(nz(c.getLinkage())).setGoVersion(nz(c.getGoVersion()))
        .setPlaintext("NONE".equals(c.getLibrary())).setGoFunctionsFrom(nz(c.getGoFunctionsFrom()))
        .setGoStructOffsets(nz(c.getGoStructOffsets())).setGoBoringCrypto(Boolean.TRUE.equals(c.getGoBoringCrypto()));
    TlsLibrary lib = enumOr(TlsLibrary.class, c.getLibrary(), TlsLibrary.TLS_LIBRARY_UNKNOWN);
    b.setLibrary(lib == TlsLibrary.UNRECOGNIZED ? TlsLibrary.TLS_LIBRARY_UNKNOWN : lib);
    if (c.getUprobeTargets() != null) {
      c.getUprobeTargets().stream().filter(t -> Boolean.TRUE.equals(t.getResolved()))
          .forEach(t -> b.addUprobeTargets(nz(t.getFile()) + ":" + nz(t.getSymbol())));
      // A site needs a place: statuses written before probe sites existed have no offsets, so no sites.
      c.getUprobeTargets().stream().filter(t -> Boolean.TRUE.equals(t.getResolved()) && t.getFile() != null
          && (t.getOffset() != null || t.getProbeOffset() != null))
          .forEach(t -> b.addProbeSites(WorkloadReports.probeSite(t.getSymbol(), t.getFile(),
              t.getOffset() == null ? 0 : t.getOffset(), t.getProbeOffset(), t.getInstruction(),
              ProbeCostClass.parse(t.getCost()), t.getSite())));
    }
    return b.build();
  }

  private static <E extends Enum<E>> E enumOr(Class<E> type, String name, E otherwise) {
    if (name == null) {
      return otherwise;
    }
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      return otherwise;
    }
  }

  /**
   * FULL on the eBPF path includes HTTP inside TLS; a sidecar's FULL is for plaintext traffic only (it never
   * sees inside TLS the application does itself). Connections-only and TLS metadata carry no L7 records.
   */
  static L7Visibility visibility(String path, String visibility) {
    if (visibility == null || "PENDING".equals(path)) {
      return L7Visibility.L7_VISIBILITY_UNKNOWN;
    }
    return switch (visibility) {
      case "FULL" -> "SIDECAR".equals(path) ? L7Visibility.L7_PLAINTEXT : L7Visibility.L7_FULL;
      case "TLS_METADATA_ONLY" -> L7Visibility.L7_TLS_METADATA;
      case "L4_ONLY", "NONE" -> L7Visibility.L7_NONE;
      default -> L7Visibility.L7_VISIBILITY_UNKNOWN;
    };
  }

  private static Set<TlsLibrary> libraries(List<ContainerStatus> containers) {
    Set<TlsLibrary> out = new LinkedHashSet<>();
    if (containers == null) {
      return out;
    }
    for (ContainerStatus c : containers) {
      String lib = c.getLibrary();
      if (lib == null || lib.equals("NONE")) {
        continue;
      }
      try {
        out.add(TlsLibrary.valueOf(lib));
      } catch (IllegalArgumentException e) {
        out.add(TlsLibrary.TLS_LIBRARY_UNKNOWN); // TLS of a kind the flow schema does not name
      }
    }
    return out;
  }

  private static java.util.Optional<Timestamp> timestamp(String rfc3339) {
    if (rfc3339 == null) {
      return java.util.Optional.empty();
    }
    try {
      Instant i = Instant.parse(rfc3339);
      return java.util.Optional.of(Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build());
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
