package io.hybridmesh.cli;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hmesh cleanup-wait}: the Helm chart's uninstall hook waits here until the node cleanup DaemonSet has
 * run {@code hmesh agent --cleanup} on every node (Helm waits for Jobs, not for DaemonSets). A node that does
 * not finish in time is named, and the uninstall goes on: leaving a filter on a node that cannot be reached is
 * better than an uninstall that cannot finish.
 */
@Command(name = "cleanup-wait", hidden = true, mixinStandardHelpOptions = true,
    description = "Wait for the uninstall's node cleanup DaemonSet to be Ready on every node (Helm hook).")
final class CleanupWaitCommand implements Callable<Integer> {

  private static final Path NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  @Option(names = "--daemonset", required = true, paramLabel = "NAME", description = "The cleanup DaemonSet.")
  String daemonSet;

  @Option(names = "--namespace", paramLabel = "NS",
      description = "Its namespace (default: this pod's, from its service account).")
  String namespace;

  @Option(names = "--timeout", converter = DurationConverter.class,
      description = "How long to wait before going on without the nodes not done (default: 75s).")
  Duration timeout = Duration.ofSeconds(75);

  PrintStream out = System.out;
  PrintStream err = System.err;
  KubernetesClient client;

  @Override
  public Integer call() throws InterruptedException {
    String ns;
    try {
      ns = namespace != null ? namespace : Files.readString(NAMESPACE_FILE).strip();
    } catch (IOException e) {
      err.println("hmesh cleanup-wait: no --namespace, and no service account namespace to take it from ("
          + e.getMessage() + ")");
      return 2;
    }
    try (KubernetesClient c = client != null ? client : new KubernetesClientBuilder().build()) {
      return waitFor(c, ns);
    }
  }

  private int waitFor(KubernetesClient c, String ns) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    NodeCleanupProgress.Verdict v = new NodeCleanupProgress.Verdict(false, 0, 0, List.of());
    String problem = null;
    while (System.nanoTime() < deadline) {
      try {
        DaemonSet ds = c.apps().daemonSets().inNamespace(ns).withName(daemonSet).get();
        List<Pod> pods = ds == null || ds.getSpec() == null || ds.getSpec().getSelector() == null ? List.of()
            : c.pods().inNamespace(ns).withLabelSelector(ds.getSpec().getSelector()).list().getItems();
        v = NodeCleanupProgress.judge(ds, pods);
        problem = ds == null ? "the DaemonSet " + ns + "/" + daemonSet + " does not exist" : null;
      } catch (KubernetesClientException e) {
        problem = "cannot read the DaemonSet " + ns + "/" + daemonSet + ": " + e.getMessage();
      }
      if (v.done()) {
        out.println("hmesh cleanup-wait: hmesh agent --cleanup ran on all " + v.scheduled() + " nodes");
        return 0;
      }
      Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
    }
    err.println("hmesh cleanup-wait: after " + timeout.toSeconds() + " s, " + v.cleaned() + " of " + v.scheduled()
        + " nodes cleaned" + (v.pending().isEmpty() ? "" : "; not done on " + String.join(", ", v.pending()))
        + (problem == null ? "" : " (" + problem + ")") + ". The uninstall goes on; on those nodes run "
        + "'hmesh agent --cleanup' as root to remove what an agent left there.");
    return 0;
  }
}
