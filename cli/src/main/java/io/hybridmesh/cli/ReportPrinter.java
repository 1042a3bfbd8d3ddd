package io.hybridmesh.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.ListWorkloadsResponse;
import io.hybridmesh.api.observer.v1.NodeReport;
import io.hybridmesh.api.observer.v1.ProbeCost;
import io.hybridmesh.api.observer.v1.ProbeSite;
import io.hybridmesh.api.observer.v1.Reason;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.controller.report.TlsCallCost;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Capability reports as a table (with details when asked) or as JSON; used by report and demo. */
public final class ReportPrinter {

  private static final String ROW = "%-12s %-18s %-17s %-9s %-13s %-6s %s%n";

  private ReportPrinter() {}

  /** The table's columns, in order; {@link #row} gives one workload's cells under them. */
  public static final List<String> COLUMNS = List.of("NAMESPACE", "WORKLOAD", "KIND", "DATAPATH", "L7", "MODE",
      "REASON");

  public static void table(List<WorkloadReport> reports, PrintStream out) {
    out.printf(ROW, COLUMNS.toArray());
    for (WorkloadReport r : reports) {
      out.printf(ROW, row(r).toArray());
    }
  }

  /** One workload's cells of the table (the words {@code hmesh report} prints, also shown by {@code hmesh ui}). */
  public static List<String> row(WorkloadReport r) {
    return List.of(r.getNamespace(), r.getName(), r.getKind(), r.getDataPath().name(), l7(r),
        r.getRequestedMode().toLowerCase(java.util.Locale.ROOT),
        r.getReasonsCount() == 0 ? "" : r.getReasons(0).getMessage());
  }

  /** {@link #details} as text, for {@code hmesh ui}. */
  public static String detailsText(WorkloadReport r) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    details(r, out);
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).stripLeading();
  }

  /** Everything one report says, in the order a person asks: what, why, what it sees, the facts. */
  static void details(WorkloadReport r, PrintStream out) {
    out.printf("%nWorkload %s/%s (%s): %s, L7 %s, mode %s%n", r.getNamespace(), r.getName(), r.getKind(),
        r.getDataPath().name(), l7(r), r.getRequestedMode().toLowerCase(java.util.Locale.ROOT));
    out.println("  Why:");
    for (Reason reason : r.getReasonsList()) {
      out.printf("    %-30s %s%n", reason.getCode(), reason.getMessage());
    }
    if (r.getSeesCount() > 0) {
      out.println("  Sees:");
      r.getSeesList().forEach(s -> out.println("    + " + s));
    }
    if (r.getMissesCount() > 0) {
      out.println("  Cannot see:");
      r.getMissesList().forEach(s -> out.println("    - " + s));
    }
    for (ContainerReport c : r.getContainersList()) {
      out.printf("  Container %s: %s%s%s%s%n", c.getName(), c.getBinary(),
          c.getPlaintext() ? ", no TLS library" : ", " + c.getLibrary().name()
              + (c.getLibraryVersion().isEmpty() ? "" : " " + c.getLibraryVersion()),
          c.getLinkage().isEmpty() ? "" : " (" + c.getLinkage().toLowerCase(java.util.Locale.ROOT) + ")",
          c.getGoVersion().isEmpty() ? "" : ", " + c.getGoVersion());
      if (!c.getGoFunctionsFrom().isEmpty() || c.getGoBoringCrypto()) {
        out.println("    Go crypto/tls" + (c.getGoBoringCrypto() ? " (BoringCrypto: TLS itself still in Go code)" : "")
            + (c.getGoFunctionsFrom().isEmpty() ? "" : "; Write and Read found through "
                + (c.getGoFunctionsFrom().equals("SYMBOLS") ? ".symtab" : ".gopclntab (stripped)"))
            + (c.getGoStructOffsets().isEmpty() ? "" : "; struct offsets from " + c.getGoStructOffsets())
            + "; probes on each function's entry and every ret, no uretprobes");
      }
      if (c.getProbeSitesCount() > 0) {
        probeSites(c.getProbeSitesList(), out);
      } else {
        c.getUprobeTargetsList().forEach(t -> out.println("    uprobe target " + t));
      }
    }
    if (!r.getObservedPorts().isEmpty()) {
      out.println("  Connections seen, by what they began with: " + ObservedPorts.parse(r.getObservedPorts()).value()
          .map(ObservedPorts::describe).orElse(r.getObservedPorts()));
    }
    if (r.getPodsOnIncapableNodesCount() > 0) {
      out.println("  Pods on nodes that see less (placement " + r.getPlacement() + "):");
      r.getPodsOnIncapableNodesList().forEach(p -> out.printf("    ! %s on %s: L7 %s there; %s%n", p.getPod(),
          p.getNode(), p.getL7Visibility(), p.getLacks()));
    }
    List<TlsCallCost.Site> sites = TlsCallCost.sitesOfReports(r.getContainersList());
    for (NodeReport n : r.getNodesList()) {
      out.printf("  Node %s: kernel %s%s, %s%n", n.getName(), n.getKernel(), n.getGuess() ? " (guessed)" : "",
          n.getCapable() ? "capable" : "missing " + String.join(", ", n.getMissingFeaturesList()));
      if (r.getDataPath() == WorkloadDataPath.EBPF) {
        out.println("    expected CPU per TLS call: " + tlsCall(n, sites));
      }
    }
  }

  /** One line per place probed: the functions that lead there, the file and offset, the instruction, its cost. */
  private static void probeSites(List<ProbeSite> probeSites, PrintStream out) {
    Map<String, List<ProbeSite>> byPlace = new LinkedHashMap<>();
    for (ProbeSite s : probeSites) {
      byPlace.computeIfAbsent(s.getFile() + "+0x" + Long.toHexString(s.getProbeOffset()), k -> new ArrayList<>())
          .add(s);
    }
    byPlace.forEach((place, at) -> {
      ProbeSite first = at.get(0);
      out.printf("    probe site %s: %s%s, %s%n", String.join(", ", at.stream().map(ProbeSite::getSymbol).toList()),
          place, first.getInstruction().isEmpty() ? "" : ", " + first.getInstruction(), cost(first.getCost()));
      if (!first.getSite().isEmpty()) {
        out.println("      " + first.getSite());
      }
    });
  }

  private static String cost(ProbeCost c) {
    return switch (c) {
      case EMULATED -> "emulated";
      case SINGLE_STEPPED -> "single-stepped";
      default -> "cost not known";
    };
  }

  /** "1.4 µs (2 sites, both emulated; measured on this node per entry+return: ...)", or why it is not known. */
  static String tlsCall(NodeReport n, List<TlsCallCost.Site> sites) {
    if (n.getTlsCallNs() == 0) {
      return "not known" + (n.getTlsCallNote().isEmpty() ? "" : ": " + n.getTlsCallNote());
    }
    long stepped = sites.stream().filter(s -> s.cost() == ProbeCostClass.SINGLE_STEPPED).count();
    return TlsCallCost.micros(n.getTlsCallNs()) + " (" + TlsCallCost.describeSites(sites.size(), (int) stepped)
        + "; measured on this node per entry+return probe pair: " + measured(n.getEmulatedPairNs()) + " emulated, "
        + measured(n.getSingleSteppedPairNs()) + " single-stepped)";
  }

  private static String measured(long ns) {
    return ns == 0 ? "not measured" : TlsCallCost.micros(ns);
  }

  static void json(List<WorkloadReport> reports, PrintStream out) {
    try {
      out.println(JsonFormat.printer().omittingInsignificantWhitespace()
          .print(ListWorkloadsResponse.newBuilder().addAllWorkloads(reports)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a report that cannot be printed as JSON: " + e.getMessage(), e);
    }
  }

  /** The L7 visibility as the table words it: full, plaintext, tls-metadata, none. */
  public static String l7(WorkloadReport r) {
    return switch (r.getL7Visibility()) {
      case L7_FULL -> "full";
      case L7_PLAINTEXT -> "plaintext";
      case L7_TLS_METADATA -> "tls-metadata";
      case L7_NONE -> "none";
      default -> "unknown";
    };
  }
}
