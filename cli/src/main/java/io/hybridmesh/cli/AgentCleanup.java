package io.hybridmesh.cli;

import io.hybridmesh.agent.datapath.TcCleanup;
import io.hybridmesh.agent.netns.NetworkNamespaces;
import io.hybridmesh.agent.netns.NodeNamespaces;
import io.hybridmesh.jni.NativeBpf;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code hmesh agent --cleanup}: what a previous agent left on this node goes, and the user reads what went.
 * Exit 0 when the node is clean afterwards, 1 when something could not be looked at.
 */
final class AgentCleanup {

  private AgentCleanup() {}

  static int run() {
    return run(System.out, System.err);
  }

  static int run(PrintStream out, PrintStream err) {
    NetworkNamespaces names = new NetworkNamespaces();
    TcCleanup cleanup = new TcCleanup(NativeBpf.load(), new NodeNamespaces()::all, names::interfacesAt);
    TcCleanup.Result r;
    try {
      r = cleanup.run();
    } catch (IOException e) {
      err.println("hmesh agent --cleanup: cannot list this node's network namespaces: " + e.getMessage());
      return 1;
    }
    r.removed().forEach(x -> out.println("removed the legacy TC filter on " + x));
    out.println("looked at " + r.interfaces() + " interfaces in " + r.namespaces() + " network namespaces: "
        + (r.removed().isEmpty() ? "nothing of a previous agent was left" : "removed " + r.removed().size()
            + " filters a previous agent left") + ". tcx links and probes need no cleanup: they go with the "
        + "agent's process.");
    // Namespaces of processes that ended while we looked are not problems; anything else is.
    long real = r.problems().stream().filter(p -> !p.contains("No such file") && !p.contains("does not exist"))
        .peek(p -> err.println("could not clean: " + p)).count();
    return real == 0 ? 0 : 1;
  }
}
