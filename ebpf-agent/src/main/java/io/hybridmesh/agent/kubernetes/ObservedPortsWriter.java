package io.hybridmesh.agent.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.hybridmesh.agent.datapath.PortObservations;
import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Records on each pod with the eBPF data path what its TCP connections began with, by port: the
 * {@code hybridmesh.io/observed-ports} annotation, which the controller reports and decides from. What the pod
 * carries already is kept (an agent that restarted, or a port not used since): entries are only added, so a
 * pod's value changes a few times in its life, not with its traffic. Patched only when the value changes.
 */
public final class ObservedPortsWriter {

  private static final Logger LOG = Logger.getLogger(ObservedPortsWriter.class.getName());
  private static final Gson GSON = new Gson();

  private final KubernetesClient client;
  private final ClusterWatch cluster;
  private final PortObservations ports;
  private final Set<Integer> known = new HashSet<>();
  private final AtomicLong patches = new AtomicLong();
  private final AtomicLong patchFailures = new AtomicLong();
  private String lastProblem;

  public ObservedPortsWriter(KubernetesClient client, ClusterWatch cluster, PortObservations ports) {
    this.client = client;
    this.cluster = cluster;
    this.ports = ports;
  }

  /** @param endpointIds the pods watched now and their endpoint ids (those gone are forgotten) */
  public void write(Map<String, Integer> endpointIds) {
    known.removeIf(id -> {
      if (!endpointIds.containsValue(id)) {
        ports.forget(id);
        return true;
      }
      return false;
    });
    known.addAll(endpointIds.values());
    endpointIds.forEach((podKey, id) -> {
      ObservedPorts seen = ports.of(id);
      if (!seen.entries().isEmpty()) {
        write(podKey, seen);
      }
    });
  }

  private void write(String podKey, ObservedPorts seen) {
    int slash = podKey.indexOf('/');
    String namespace = podKey.substring(0, slash);
    String name = podKey.substring(slash + 1);
    String current = cluster.annotations(namespace, name).map(ClusterWatch.PodAnnotations::observedPorts)
        .orElse(null);
    // A value this build cannot read (written by a newer agent, or by hand) is replaced, not merged into.
    ObservedPorts before = ObservedPorts.parse(current).value().orElse(ObservedPorts.NONE);
    ObservedPorts desired = before.union(seen);
    String value = desired.toAnnotation();
    if (value.equals(current)) {
      return;
    }
    try {
      client.pods().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
          mergePatch(value));
      cluster.observedPortsWritten(namespace, name, value);
      patches.incrementAndGet();
      lastProblem = null;
      LOG.info(() -> "pod " + podKey + ": connections seen " + value);
    } catch (KubernetesClientException e) {
      patchFailures.incrementAndGet();
      String problem = "cannot annotate pod " + podKey + " with its observed ports: " + e.getMessage();
      if (!problem.equals(lastProblem)) {
        LOG.warning(problem + "; retrying at the next scan");
        lastProblem = problem;
      }
    }
  }

  static String mergePatch(String value) {
    JsonObject annotations = new JsonObject();
    annotations.addProperty(HybridMeshNames.OBSERVED_PORTS_ANNOTATION, value);
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    return GSON.toJson(patch);
  }

  public long patches() {
    return patches.get();
  }

  public long patchFailures() {
    return patchFailures.get();
  }
}
