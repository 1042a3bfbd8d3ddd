package io.hybridmesh.agent.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The node's container processes matched to pods and container names, by the container id the pod's status
 * reports. Pure. A process whose container id no pod on the node reports (a pod the informer has not seen
 * yet, a static pod, another runtime's container) is counted unmatched, not guessed at; so is one whose pod
 * UID in the cgroup path disagrees with the pod found by id (a stale status).
 */
public final class PodProcesses {

  /** One container of a pod with its main process. */
  public record Match(PodInfo pod, String containerName, ContainerProcesses.Container process) {}

  /** The matches, and how many container processes matched nothing. */
  public record Result(List<Match> matches, int unmatched) {}

  private PodProcesses() {}

  public static Result match(List<ContainerProcesses.Container> containers,
      Function<String, Optional<PodInfo>> podByContainerId) {
    List<Match> out = new ArrayList<>();
    int unmatched = 0;
    for (ContainerProcesses.Container c : containers) {
      Optional<PodInfo> pod = podByContainerId.apply(c.containerId());
      Optional<String> name = pod.filter(p -> p.uid() == null || p.uid().equalsIgnoreCase(c.podUid()))
          .flatMap(p -> p.containers().stream().filter(ci -> c.containerId().equals(ci.id())).findFirst())
          .map(PodInfo.ContainerInfo::name);
      if (name.isEmpty()) {
        unmatched++;
        continue;
      }
      out.add(new Match(pod.get(), name.get(), c));
    }
    return new Result(List.copyOf(out), unmatched);
  }
}
