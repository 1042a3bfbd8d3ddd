package io.hybridmesh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hybridmesh.api.flow.v1.TlsLibrary;
import io.hybridmesh.api.observer.v1.ContainerReport;
import io.hybridmesh.api.observer.v1.NodeReport;
import io.hybridmesh.api.observer.v1.PodShortfall;
import io.hybridmesh.api.observer.v1.WorkloadDataPath;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.hybridmesh.controller.facts.ProbeCostClass;
import io.hybridmesh.controller.report.WorkloadReports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPrinterTest {

  static final String LIBSSL = "/usr/lib/x86_64-linux-gnu/libssl.so.3";

  static final ContainerReport NGINX = ContainerReport.newBuilder().setName("nginx").setBinary("/usr/sbin/nginx")
      .setLibrary(TlsLibrary.OPENSSL).setLinkage("DYNAMIC")
      .addUprobeTargets(LIBSSL + ":SSL_write").addUprobeTargets(LIBSSL + ":SSL_write_ex")
      .addUprobeTargets(LIBSSL + ":SSL_read")
      .addProbeSites(WorkloadReports.probeSite("SSL_write", LIBSSL, 0x35500, 0x355a0L, "push %r14",
          ProbeCostClass.EMULATED, "SSL_write and SSL_write_ex both call the function at 0x355a0."))
      .addProbeSites(WorkloadReports.probeSite("SSL_write_ex", LIBSSL, 0x35600, 0x355a0L, "push %r14",
          ProbeCostClass.EMULATED, "SSL_write and SSL_write_ex both call the function at 0x355a0."))
      .addProbeSites(WorkloadReports.probeSite("SSL_read", LIBSSL, 0x35300, 0x35300L, "push %rbp",
          ProbeCostClass.EMULATED, "SSL_read begins with push %rbp: the kernel emulates it."))
      .build();

  static WorkloadReport report(WorkloadDataPath path, ContainerReport c, NodeReport n) {
    return WorkloadReport.newBuilder().setNamespace("demo").setName("backend").setKind("NetworkNamespace")
        .setDataPath(path).setRequestedMode("AUTO").addContainers(c).addNodes(n).build();
  }

  static String details(WorkloadReport r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportPrinter.details(r, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  static final NodeReport MEASURED = NodeReport.newBuilder().setName("vm").setKernel("6.18.44").setCapable(true)
      .setTlsCallNs(1_412).setEmulatedPairNs(1_412).setSingleSteppedPairNs(13_772).build();

  @Test
  void eachProbeSiteOnceWithTheFunctionsThatLeadThere() {
    String text = details(report(WorkloadDataPath.EBPF, NGINX, MEASURED));
    assertTrue(text.contains("    probe site SSL_write, SSL_write_ex: " + LIBSSL + "+0x355a0, push %r14, emulated\n"
        + "      SSL_write and SSL_write_ex both call the function at 0x355a0.\n"), text);
    assertTrue(text.contains("    probe site SSL_read: " + LIBSSL + "+0x35300, push %rbp, emulated\n"), text);
    assertFalse(text.contains("uprobe target"), "the sites say it all: " + text);
  }

  @Test
  void eachNodeStatesTheExpectedCpuPerTlsCall() {
    String text = details(report(WorkloadDataPath.EBPF, NGINX, MEASURED));
    assertTrue(text.contains("  Node vm: kernel 6.18.44, capable\n    expected CPU per TLS call: 1.4 µs (2 sites, "
        + "both emulated; measured on this node per entry+return probe pair: 1.4 µs emulated, 14 µs "
        + "single-stepped)\n"), text);
  }

  @Test
  void podsOnNodesThatSeeLessAreListedWithWhatTheyLack() {
    WorkloadReport r = report(WorkloadDataPath.EBPF, NGINX, MEASURED).toBuilder().setPlacement("prefer-capable")
        .addPodsOnIncapableNodes(PodShortfall.newBuilder().setPod("backend-1").setNode("old-1")
            .setL7Visibility("L4_ONLY").setLacks("its HTTP inside TLS: node old-1 lacks UPROBES")).build();
    assertTrue(details(r).contains("  Pods on nodes that see less (placement prefer-capable):\n"
        + "    ! backend-1 on old-1: L7 L4_ONLY there; its HTTP inside TLS: node old-1 lacks UPROBES\n"), details(r));
  }

  @Test
  void theConnectionsSeenAreSaidByWhatTheyBeganWith() {
    WorkloadReport r = report(WorkloadDataPath.EBPF, NGINX, MEASURED).toBuilder()
        .setObservedPorts("in/8080=http in/8443=tls out/5432=other").build();
    assertTrue(details(r).contains("  Connections seen, by what they began with: plaintext HTTP on 8080 (in); TLS on "
        + "8443 (in); something else on 5432 (out)\n"), details(r));
    assertTrue(!details(report(WorkloadDataPath.EBPF, NGINX, MEASURED)).contains("Connections seen"));
  }

  @Test
  void notMeasuredSaysWhy() {
    NodeReport n = NodeReport.newBuilder().setName("vm").setKernel("6.18.44").setCapable(true)
        .setTlsCallNote("What a uprobe pair on emulated instructions costs was not measured on this node: no root.")
        .build();
    assertTrue(details(report(WorkloadDataPath.EBPF, NGINX, n)).contains("    expected CPU per TLS call: not known: "
        + "What a uprobe pair on emulated instructions costs was not measured on this node: no root.\n"));
    NodeReport older = NodeReport.newBuilder().setName("vm").setKernel("6.18.44").setCapable(true).build();
    assertTrue(details(report(WorkloadDataPath.EBPF, NGINX, older)).contains("expected CPU per TLS call: not known\n"));
  }

  @Test
  void aSidecarWorkloadHasNoTlsCallLineAndAnOlderReportListsItsTargets() {
    ContainerReport older = NGINX.toBuilder().clearProbeSites().build();
    String text = details(report(WorkloadDataPath.SIDECAR, older, MEASURED));
    assertFalse(text.contains("expected CPU"), text);
    assertTrue(text.contains("    uprobe target " + LIBSSL + ":SSL_write\n"), text);
  }

  @Test
  void jsonCarriesTheSitesAndTheCosts() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReportPrinter.json(List.of(report(WorkloadDataPath.EBPF, NGINX, MEASURED)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    JsonObject w = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonObject()
        .getAsJsonArray("workloads").get(0).getAsJsonObject();
    JsonObject site = w.getAsJsonArray("containers").get(0).getAsJsonObject().getAsJsonArray("probeSites").get(0)
        .getAsJsonObject();
    assertEquals(List.of("SSL_write", "218528", "push %r14", "EMULATED"), List.of(site.get("symbol").getAsString(),
        site.get("probeOffset").getAsString(), site.get("instruction").getAsString(), site.get("cost").getAsString()));
    JsonObject node = w.getAsJsonArray("nodes").get(0).getAsJsonObject();
    assertEquals(1_412, node.get("tlsCallNs").getAsLong());
    assertEquals(13_772, node.get("singleSteppedPairNs").getAsLong());
  }
}
