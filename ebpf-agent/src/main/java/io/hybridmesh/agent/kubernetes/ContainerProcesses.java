package io.hybridmesh.agent.kubernetes;

import io.hybridmesh.agent.proc.ProcFs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's container processes, found through {@code /proc} (the agent runs with the host's PID
 * namespace): every process whose cgroup names a pod and a container, grouped by container. The
 * container's main process is its oldest one whose parent is outside the container (the runtime's shim
 * starts it), which is the process to probe; the others share its network namespace.
 */
public final class ContainerProcesses {

  /** Caps the scan on a node with a runaway number of processes; the rest wait for the next scan. */
  static final int MAX_PROCESSES = 65536;

  private final Path proc;

  public ContainerProcesses(Path proc) {
    this.proc = proc;
  }

  /** One container as seen on the node now. */
  public record Container(String podUid, String containerId, long mainPid, long netnsInode) {}

  public List<Container> scan() {
    Map<String, List<long[]>> byContainer = new HashMap<>(); // id -> [pid, ppid, start]
    Map<String, String> podOf = new HashMap<>();
    Map<Long, String> containerOfPid = new HashMap<>();
    int seen = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> ProcFs.isPid(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        if (++seen > MAX_PROCESSES) {
          break;
        }
        long pid = Long.parseLong(dir.getFileName().toString());
        Optional<ContainerCgroup.Ids> ids = ContainerCgroup.parse(ProcFs.read(dir.resolve("cgroup")));
        if (ids.isEmpty()) {
          continue;
        }
        long[] stat = ProcFs.stat(ProcFs.read(dir.resolve("stat")));
        if (stat == null) {
          continue; // exited between listing and reading
        }
        String id = ids.get().containerId();
        byContainer.computeIfAbsent(id, k -> new ArrayList<>()).add(new long[] {pid, stat[0], stat[1]});
        podOf.put(id, ids.get().podUid());
        containerOfPid.put(pid, id);
      }
    } catch (IOException e) {
      return List.of();
    }
    List<Container> out = new ArrayList<>();
    byContainer.forEach((id, procs) -> procs.stream()
        .filter(p -> !id.equals(containerOfPid.get(p[1])))
        .min(Comparator.<long[]>comparingLong(p -> p[2]).thenComparingLong(p -> p[0]))
        .ifPresent(main -> out.add(new Container(podOf.get(id), id, main[0], netnsInode(main[0])))));
    out.sort(Comparator.comparing(Container::containerId));
    return out;
  }

  /** The path of a process's network namespace, for attaching in it. */
  public Path netnsPath(long pid) {
    return proc.resolve(Long.toString(pid)).resolve("ns/net");
  }

  private long netnsInode(long pid) {
    return Math.max(0, ProcFs.netnsInode(proc.resolve(Long.toString(pid))));
  }



}
