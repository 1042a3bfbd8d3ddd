package io.hybridmesh.agent.kubernetes;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which pods on this node get the eBPF data path now: those whose workload's {@code WorkloadCapability}
 * says {@code dataPath: EBPF}, that have a running container process to find their network namespace by, and
 * that are not on the host's network (attaching there would observe the whole node as that pod). Pure.
 */
public final class DataPathPlan {

  /** A workload's report, by namespace and the workload's kind and name. */
  public record WorkloadKey(String namespace, String kind, String name) {}

  /** One pod to watch: its network namespace through its main process. */
  public record Target(String namespace, String pod, long mainPid, long netnsInode) {}

  private DataPathPlan() {}

  /**
   * @param matches this node's container processes matched to pods
   * @param dataPaths each report's {@code status.dataPath}
   * @param hostNetnsInode the host's network namespace, which no pod target may be
   * @return targets by pod key ({@code namespace/name}), sorted
   */
  public static Map<String, Target> plan(List<PodProcesses.Match> matches, Map<WorkloadKey, String> dataPaths,
      long hostNetnsInode) {
    Map<String, Target> out = new TreeMap<>();
    matches.stream()
        .filter(m -> m.process().netnsInode() != 0 && m.process().netnsInode() != hostNetnsInode)
        .filter(m -> key(m.pod()).map(dataPaths::get).filter("EBPF"::equals).isPresent())
        // Every container of a pod shares its network namespace; the oldest process names it steadily.
        .sorted(Comparator.comparingLong(m -> m.process().mainPid()))
        .forEach(m -> out.putIfAbsent(m.pod().key(),
            new Target(m.pod().namespace(), m.pod().name(), m.process().mainPid(), m.process().netnsInode())));
    return out;
  }

  /** The report a pod's workload has, when the pod has a workload the controller reports on. */
  public static Optional<WorkloadKey> key(PodInfo pod) {
    return pod.ownerName().isEmpty() ? Optional.empty()
        : Optional.of(new WorkloadKey(pod.namespace(), pod.ownerKind(), pod.ownerName()));
  }
}
