package io.hybridmesh.cli;

import io.hybridmesh.agent.observer.ObserverServer;
import io.hybridmesh.cli.ui.UiServer;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hmesh ui}: the service map, the capability reports and live flows in a browser. */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {"Serve a browser UI over an Observer API (hmesh demo, hmesh agent --serve or the controller's"
        + " relay): the service map with each workload's data path, the capability reports as hmesh report"
        + " words them, and live flows with hmesh observe's filters.",
        "It listens on loopback unless --listen says otherwise; whoever reaches it reads the flows."})
final class UiCommand implements Callable<Integer> {

  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "Observer API address (default: ${DEFAULT-VALUE}).")
  String server = ObserverServer.DEFAULT_HOST + ":" + ObserverServer.DEFAULT_PORT;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Where to serve the UI (default: ${DEFAULT-VALUE}); a non-loopback address serves everyone"
          + " who can reach it.")
  String listen = UiServer.DEFAULT_HOST + ":" + UiServer.DEFAULT_PORT;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws InterruptedException {
    UiServer ui;
    try {
      ui = UiServer.open(listen, server, err);
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("hmesh ui: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    }
    out.println("hmesh ui: " + ui.url() + " (Observer API at " + server + "); Ctrl-C stops it");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      ui.close();
      stopped.countDown();
    }, "hmesh-ui-stop"));
    stopped.await();
    return 0;
  }
}
