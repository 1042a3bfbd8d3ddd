package io.hybridmesh.controller.facts;

import io.hybridmesh.api.annotation.Parsed;
import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.knobs.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's {@code hybridmesh.io/probe} annotation, read by its one parser ({@link ProbeAnnotation}) and
 * reduced to the controller's view of each container. Pure; an annotation the parser refuses is a problem
 * that says why, never an exception and never a guess: the pod's containers then count as not probed.
 */
public final class PodProbes {

  private PodProbes() {}

  /** The pod's containers by name, or the problem that kept them from being read. */
  public record Read(Map<String, ContainerProbe> containers, List<Problem> problems) {}

  public static Read read(String podName, String value) {
    Parsed<ProbeAnnotation> parsed = ProbeAnnotation.parse(value);
    if (!parsed.ok()) {
      return new Read(Map.of(), List.of(problem(podName, parsed)));
    }
    Map<String, ContainerProbe> out = new LinkedHashMap<>();
    parsed.value().orElseThrow().containers().forEach((name, entry) -> out.put(name, ContainerProbe.of(entry)));
    return new Read(out, List.of());
  }

  private static Problem problem(String pod, Parsed<ProbeAnnotation> refused) {
    if (refused.refusal() == Parsed.Refusal.UNSUPPORTED_VERSION) {
      return new Problem(Problem.UNSUPPORTED_PROBE_ANNOTATION_VERSION, "Pod " + pod + " has a "
          + HybridMeshNames.PROBE_ANNOTATION + " annotation this controller cannot read: " + refused.reason()
          + ". A newer agent wrote it; upgrade the controller to the agents' version. Until then the pod's "
          + "containers count as not probed and the workload keeps its last decision.");
    }
    return new Problem(Problem.UNREADABLE_PROBE_ANNOTATION, "Pod " + pod + " has an unreadable "
        + HybridMeshNames.PROBE_ANNOTATION + " annotation (" + refused.reason() + "); the agent on its node "
        + "writes it, so check that agent's version and logs. The pod's containers count as not probed yet.");
  }
}
