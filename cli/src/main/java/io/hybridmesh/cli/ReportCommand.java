package io.hybridmesh.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.api.observer.v1.ListWorkloadsRequest;
import io.hybridmesh.api.observer.v1.ObserverGrpc;
import io.hybridmesh.api.observer.v1.WorkloadReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hybridmesh.controller.KubeClients;
import io.hybridmesh.controller.report.ClusterWorkloadReports;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hmesh report}: each workload's capability report (data path, what it sees, why). */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Show why each workload got its data path (eBPF or sidecar) and what that path sees.")
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "Observer API address: an agent, the demo or the relay (default: ${DEFAULT-VALUE}).")
  String server = ObserverServer.DEFAULT_HOST + ":" + ObserverServer.DEFAULT_PORT;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default) or json.")
  String output = "table";

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only workloads of this namespace.")
  String namespace;

  @Option(names = "--kubeconfig", paramLabel = "FILE", arity = "0..1", fallbackValue = "",
      description = "Read the reports from a cluster's WorkloadCapability objects instead of an Observer API:"
          + " this kubeconfig, or without a value in-cluster, $KUBECONFIG or ~/.kube/config.")
  String kubeconfig;

  @Parameters(arity = "0..1", paramLabel = "WORKLOAD",
      description = "One workload, as NAME or NAMESPACE/NAME: its report in full.")
  String workload;

  @picocli.CommandLine.Mixin
  ClientTls tls = new ClientTls();

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() {
    String fmt = output.toLowerCase(Locale.ROOT);
    if (!fmt.equals("table") && !fmt.equals("json")) {
      err.println("hmesh report: -o takes table or json, not '" + output + "'");
      return 2;
    }
    if (kubeconfig != null) {
      return fromCluster(fmt);
    }
    ManagedChannel channel;
    try {
      channel = tls.channel(server);
    } catch (IllegalArgumentException e) {
      err.println("hmesh report: " + e.getMessage());
      return 2;
    }
    try {
      return print(select(ObserverGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS).listWorkloads(request()).getWorkloadsList()), fmt, server);
    } catch (StatusRuntimeException e) {
      String mismatch = tls.mismatch(e.getStatus(), server);
      if (mismatch != null) {
        err.println("hmesh report: " + mismatch);
        return 1;
      }
      err.println("hmesh report: cannot read reports from " + server + ": "
          + ObserveCommand.reason(e.getStatus()) + "; is `hmesh demo` or `hmesh agent --serve` running?");
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }

  private int fromCluster(String fmt) {
    try (KubernetesClient client = KubeClients.connect(kubeconfig.isEmpty() ? null : Path.of(kubeconfig))) {
      return print(select(new ClusterWorkloadReports(client).list(request())), fmt, client.getMasterUrl().toString());
    } catch (KubernetesClientException e) {
      err.println("hmesh report: cannot read WorkloadCapabilities from the cluster: " + e.getMessage()
          + (e.getCode() == 404 ? "; are the CRDs installed (kubectl apply -f crds/)?" : ""));
      return 1;
    } catch (RuntimeException e) {
      err.println("hmesh report: " + e.getMessage());
      return 1;
    }
  }

  private int print(List<WorkloadReport> reports, String fmt, String from) {
    if (workload != null && reports.isEmpty()) {
      err.println("hmesh report: no workload '" + workload + "' at " + from
          + "; `hmesh report` lists the ones there are");
      return 1;
    }
    if (fmt.equals("json")) {
      ReportPrinter.json(reports, out);
    } else {
      ReportPrinter.table(reports, out);
      if (workload != null) {
        reports.forEach(r -> ReportPrinter.details(r, out));
      }
    }
    out.flush();
    return 0;
  }

  ListWorkloadsRequest request() {
    ListWorkloadsRequest.Builder b = ListWorkloadsRequest.newBuilder();
    String ns = namespace;
    String name = workload;
    if (workload != null && workload.contains("/")) {
      ns = workload.substring(0, workload.indexOf('/'));
      name = workload.substring(workload.indexOf('/') + 1);
    }
    if (ns != null) {
      b.addNamespace(ns);
    }
    if (name != null) {
      b.addNamePrefix(name);
    }
    return b.build();
  }

  /** The server filters by name prefix; a named workload is matched exactly. */
  private List<WorkloadReport> select(List<WorkloadReport> reports) {
    if (workload == null) {
      return reports;
    }
    String name = workload.contains("/") ? workload.substring(workload.indexOf('/') + 1) : workload;
    return reports.stream().filter(r -> r.getName().equals(name)).toList();
  }
}
