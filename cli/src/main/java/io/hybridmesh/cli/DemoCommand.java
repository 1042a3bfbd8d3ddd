package io.hybridmesh.cli;

import io.hybridmesh.cli.demo.DemoException;
import io.hybridmesh.cli.demo.DemoMesh;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hmesh demo}: a whole mesh on this machine, no Kubernetes. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "A whole mesh on this machine (root): network namespaces as workloads (frontend and backend over TLS"
            + " with OpenSSL, payments on Java's own TLS), each probed and given its data path, the eBPF data"
            + " path attached, traffic flowing, the Observer API served and the browser UI on it.",
        "In another terminal: hmesh observe -f, hmesh observe --type l7 -o json --last 20, hmesh report.",
        "Ctrl-C removes everything it made."})
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "Where to serve the Observer API (default: ${DEFAULT-VALUE}).")
  String server = "localhost:4245";

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "Where to serve Prometheus metrics, or 'none' (default: ${DEFAULT-VALUE}).")
  String metrics = "localhost:9965";

  @Option(names = "--xds", paramLabel = "HOST:PORT",
      description = "Where to serve xDS and Envoy access logs for the sidecar workloads, or 'none'"
          + " (default: ${DEFAULT-VALUE}; sidecars reach it on the demo network's host address too).")
  String xds = "localhost:18000";

  @Option(names = "--ui", paramLabel = "HOST:PORT",
      description = "Where to serve the browser UI (hmesh ui), or 'none' (default: ${DEFAULT-VALUE}).")
  String ui = io.hybridmesh.cli.ui.UiServer.DEFAULT_HOST + ":" + io.hybridmesh.cli.ui.UiServer.DEFAULT_PORT;

  @Option(names = "--duration", converter = DurationConverter.class,
      description = "Stop by itself after this long (default: run until Ctrl-C).")
  Duration duration;

  @Option(names = "--pause", paramLabel = "SECONDS",
      description = "Pause of the frontend between rounds of requests (default: ${DEFAULT-VALUE}).")
  double pause = 0.5;

  @Option(names = "--flow-capacity", paramLabel = "N",
      description = "Flows kept in memory for the Observer API (default: ${DEFAULT-VALUE}).")
  int flowCapacity = 65536;

  @Option(names = "--state-dir", paramLabel = "DIR", hidden = true,
      description = "Where the demo keeps its files (default: ${DEFAULT-VALUE}).")
  String stateDir = "/run/hmesh-demo";

  PrintStream out = System.out;
  PrintStream err = System.err;

  private java.net.InetSocketAddress xdsAddress() {
    if ("none".equals(xds)) {
      return null;
    }
    return new java.net.InetSocketAddress(FlowOutputs.host(xds), FlowOutputs.port(xds));
  }

  @Override
  public Integer call() throws InterruptedException {
    if (!DemoMesh.isRoot()) {
      err.println("hmesh demo: the demo needs root (network namespaces and BPF); run it with sudo");
      return 1;
    }
    if (pause < 0 || flowCapacity < 1) {
      err.println("hmesh demo: --pause takes 0 or more seconds, --flow-capacity 1 or more flows");
      return 2;
    }
    DemoMesh mesh = new DemoMesh(java.nio.file.Path.of(stateDir), server,
        "none".equals(metrics) ? null : metrics, xdsAddress(), "none".equals(ui) ? null : ui, flowCapacity, pause,
        out, err);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      mesh.close();
      stopped.countDown();
    }, "hmesh-demo-teardown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      mesh.start();
    } catch (DemoException | IllegalStateException | IllegalArgumentException e) {
      err.println("hmesh demo: " + e.getMessage());
      mesh.close();
      Runtime.getRuntime().removeShutdownHook(hook);
      return 1;
    }
    if (duration != null) {
      if (!stopped.await(duration.toMillis(), TimeUnit.MILLISECONDS)) {
        mesh.close();
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    } else {
      stopped.await();
    }
    return 0;
  }
}
