package io.hybridmesh.agent.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.hybridmesh.agent.probe.binary.BinaryProber;
import io.hybridmesh.agent.probe.binary.ProbeEntries;
import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.annotation.ProbeEntry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Probes the TLS linkage of this node's container processes and records it on their pods as the
 * {@code hybridmesh.io/probe} annotation. The agent on a pod's node is its only writer; a pod is patched only
 * when the value changed, and the annotation goes with the pod. Probe results are cached by file in the
 * {@link BinaryProber}, so a rescan of unchanged containers reads no ELF file again.
 */
public final class PodProbeAnnotator {

  private static final Logger LOG = Logger.getLogger(PodProbeAnnotator.class.getName());

  private final KubernetesClient client;
  private final ClusterWatch cluster;
  private final PodDirectory directory;
  private final ContainerProcesses processes;
  private final BinaryProber prober;
  private final Path proc;
  private final Function<ProbeResult, ProbeEntry> toEntry;
  private final AtomicLong patches = new AtomicLong();
  private final AtomicLong patchFailures = new AtomicLong();
  private final AtomicLong unmatched = new AtomicLong();
  private String lastProblem;

  /** @param toEntry one element of {@code hmesh probe --output json} (the CLI's, with its verdict) */
  public PodProbeAnnotator(KubernetesClient client, ClusterWatch cluster, PodDirectory directory,
      ContainerProcesses processes, BinaryProber prober, Path proc, Function<ProbeResult, ProbeEntry> toEntry) {
    this.client = client;
    this.cluster = cluster;
    this.directory = directory;
    this.processes = processes;
    this.prober = prober;
    this.proc = proc;
    this.toEntry = toEntry;
  }

  /** Scans the node's container processes, annotates their pods; returns the matches for the data path. */
  public List<PodProcesses.Match> scan() {
    PodProcesses.Result result = PodProcesses.match(processes.scan(), directory::podByContainerId);
    unmatched.set(result.unmatched());
    Map<String, List<PodProcesses.Match>> byPod = result.matches().stream()
        .collect(Collectors.groupingBy(m -> m.pod().key(), LinkedHashMap::new, Collectors.toList()));
    byPod.values().forEach(this::annotate);
    return result.matches();
  }

  private void annotate(List<PodProcesses.Match> containers) {
    PodInfo pod = containers.get(0).pod();
    ClusterWatch.PodAnnotations current = cluster.annotations(pod.namespace(), pod.name())
        .orElse(new ClusterWatch.PodAnnotations(null, null, null));
    var knob = CustomTlsTargets.parse(current.tlsProbe());
    Map<String, ProbeEntry> fresh = new HashMap<>();
    for (PodProcesses.Match m : containers) {
      long pid = m.process().mainPid();
      ProbeEntry entry = toEntry.apply(prober.probeProcess((int) pid));
      if (knob.isPresent()) {
        // The custom targets join the binary's own, with file = the annotation's path: what the controller
        // looks for.
        List<UprobeTarget> custom = CustomTlsTargets.resolve(proc.resolve(Long.toString(pid)).resolve("root"),
            knob.get(), prober.kernel());
        entry = entry.withMoreTargets(ProbeEntries.targets(custom));
      }
      fresh.put(m.containerName(), entry);
    }
    Set<String> names = pod.containers().stream().map(PodInfo.ContainerInfo::name).collect(Collectors.toSet());
    ProbeAnnotation desired = ProbeAnnotations.merge(current.probe(), names, fresh);
    if (!ProbeAnnotations.needsWrite(current.probe(), desired)) {
      return;
    }
    try {
      client.pods().inNamespace(pod.namespace()).withName(pod.name())
          .patch(PatchContext.of(PatchType.JSON_MERGE), ProbeAnnotations.mergePatch(desired));
      cluster.probeWritten(pod.namespace(), pod.name(), desired.toJson());
      patches.incrementAndGet();
      lastProblem = null;
      LOG.info(() -> "probed pod " + pod.key() + " (" + String.join(", ", fresh.keySet()) + ")");
    } catch (KubernetesClientException e) {
      // A pod deleted meanwhile (404) or an API server away: the next scan tries again.
      patchFailures.incrementAndGet();
      String problem = "cannot annotate pod " + pod.key() + ": " + e.getMessage();
      if (!problem.equals(lastProblem)) {
        LOG.warning(problem + "; retrying at the next scan");
        lastProblem = problem;
      }
    }
  }

  public long patches() {
    return patches.get();
  }

  public long patchFailures() {
    return patchFailures.get();
  }

  /** Container processes at the last scan that no pod on this node reports. */
  public long unmatchedContainers() {
    return unmatched.get();
  }
}
