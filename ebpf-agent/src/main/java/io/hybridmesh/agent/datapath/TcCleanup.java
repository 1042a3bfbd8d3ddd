package io.hybridmesh.agent.datapath;

import io.hybridmesh.agent.netns.NetworkInterface;
import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.TcHook;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes every legacy TC filter of ours from a node ({@code hmesh agent --cleanup}): the ones an agent that
 * died without a clean stop left on kernels without tcx (or when it ran with {@code --tc-attach legacy}).
 * Every network namespace the node has is visited, and on each interface a filter goes only when its handle,
 * priority and program name are all ours. tcx links need no cleanup: they die with the process holding them.
 */
public final class TcCleanup {

  /** The node's network namespaces, each once (the host's, named ones, and every process's). */
  public interface Namespaces {
    List<Path> all() throws IOException;
  }

  /** The interfaces of the namespace at a path. */
  public interface Interfaces {
    List<NetworkInterface> at(Path netns) throws IOException;
  }

  /** What was removed (interface, namespace and direction), and what could not be looked at, with why. */
  public record Result(int namespaces, int interfaces, List<String> removed, List<String> problems) {}

  private final Bpf bpf;
  private final Namespaces namespaces;
  private final Interfaces interfaces;

  public TcCleanup(Bpf bpf, Namespaces namespaces, Interfaces interfaces) {
    this.bpf = bpf;
    this.namespaces = namespaces;
    this.interfaces = interfaces;
  }

  public Result run() throws IOException {
    List<String> removed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Path> all = namespaces.all();
    int seen = 0;
    for (Path netns : all) {
      List<NetworkInterface> found;
      try {
        found = interfaces.at(netns);
      } catch (IOException e) {
        problems.add(netns + ": " + e.getMessage()); // a process that just ended takes its namespace along
        continue;
      }
      for (NetworkInterface i : found) {
        seen++;
        for (TcHook hook : TcLinker.hooks(netns, i.name())) {
          String program = hook.direction() == TcHook.Direction.INGRESS ? TcLinker.INGRESS : TcLinker.EGRESS;
          try {
            if (bpf.removeLegacyTc(hook, program)) {
              removed.add(i.name() + " " + hook.direction().name().toLowerCase() + " in " + netns);
            }
          } catch (BpfException e) {
            problems.add(i.name() + " in " + netns + ": " + e.getMessage());
          }
        }
      }
    }
    return new Result(all.size(), seen, List.copyOf(removed), List.copyOf(problems));
  }
}
