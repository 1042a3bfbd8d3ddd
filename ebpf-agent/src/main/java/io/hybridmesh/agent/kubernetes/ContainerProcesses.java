package io.hybridmesh.agent.kubernetes;

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
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path dir : dirs) {
        if (++seen > MAX_PROCESSES) {
          break;
        }
        long pid = Long.parseLong(dir.getFileName().toString());
        Optional<ContainerCgroup.Ids> ids = ContainerCgroup.parse(read(dir.resolve("cgroup")));
        if (ids.isEmpty()) {
          continue;
        }
        long[] stat = stat(read(dir.resolve("stat")));
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
    try {
      Object ino = Files.getAttribute(netnsPath(pid), "unix:ino");
      return ino instanceof Long l ? l : 0;
    } catch (IOException | UnsupportedOperationException e) {
      return 0;
    }
  }

  /** [ppid, starttime] from /proc/PID/stat, or null. The command name may hold spaces and ')'. */
  static long[] stat(String stat) {
    if (stat == null) {
      return null;
    }
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      return null;
    }
    String[] f = stat.substring(close + 1).trim().split(" ");
    // After the name: state(0) ppid(1) ... starttime is field 22 overall, index 19 here.
    if (f.length < 20) {
      return null;
    }
    try {
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[19])};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String read(Path p) {
    try {
      if (Files.size(p) > 65536) {
        return null;
      }
      return Files.readString(p);
    } catch (IOException | RuntimeException e) {
      return null; // gone, unreadable, or not text
    }
  }

  private static boolean isPid(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
