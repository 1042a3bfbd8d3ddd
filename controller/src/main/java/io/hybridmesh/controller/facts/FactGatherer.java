package io.hybridmesh.controller.facts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.annotation.Parsed;
import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.facts.WorkloadFacts.PodOnNode;
import io.hybridmesh.controller.knobs.OtherMesh;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.knobs.WorkloadKnobs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** Gathers a workload's facts from a {@link ClusterView}. Reads only; deterministic for the same view. */
public final class FactGatherer {

  private final Fallback clusterDefault;

  public FactGatherer(Fallback clusterDefault) {
    this.clusterDefault = clusterDefault;
  }

  public WorkloadFacts gather(HasMetadata workload, PodTemplateSpec template, LabelSelector selector,
      ClusterView view) {
    String ns = workload.getMetadata().getNamespace();
    ObjectMeta nsMeta = view.namespace(ns).map(Namespace::getMetadata).orElse(null);
    WorkloadKnobs knobs = WorkloadKnobs.parse(nsMeta == null ? null : nsMeta.getLabels(),
        knobAnnotations(workload, template), clusterDefault);
    List<Problem> problems = new ArrayList<>();
    List<Pod> pods = livePodsNewestFirst(view.pods(ns, selector));
    List<AppContainer> containers = containers(template, pods, problems);
    List<NodeFacts> nodes = nodes(template, pods, view, problems);
    if (knobs.tlsProbe() != null) {
      tlsProbeProblem(knobs.tlsProbe(), containers).ifPresent(problems::add);
    }
    boolean hostNetwork = template.getSpec() != null && Boolean.TRUE.equals(template.getSpec().getHostNetwork());
    return new WorkloadFacts(knobs, OtherMesh.find(nsMeta, workload.getMetadata(), template), hostNetwork,
        containers, nodes, placements(pods), problems, observedPorts(pods, problems));
  }

  /** What the live pods' connections began with, as their agents annotated them, together. */
  private static ObservedPorts observedPorts(List<Pod> pods, List<Problem> problems) {
    ObservedPorts all = ObservedPorts.NONE;
    for (Pod p : pods) {
      Map<String, String> a = p.getMetadata().getAnnotations();
      Parsed<ObservedPorts> parsed = ObservedPorts.parse(a == null ? null
          : a.get(HybridMeshNames.OBSERVED_PORTS_ANNOTATION));
      if (parsed.ok()) {
        all = all.union(parsed.value().orElseThrow());
      } else {
        problems.add(new Problem(Problem.UNREADABLE_OBSERVED_PORTS, "Pod " + p.getMetadata().getName() + "'s "
            + HybridMeshNames.OBSERVED_PORTS_ANNOTATION + " cannot be read (" + parsed.reason() + "); its agent "
            + "rewrites it as it sees the pod's connections."));
      }
    }
    return all;
  }

  /**
   * The knobs may sit on the workload or on its pod template; the workload's win. The template is where
   * hybridmesh.io/tls-probe belongs: the agent reads it from the pods it probes.
   */
  static Map<String, String> knobAnnotations(HasMetadata workload, PodTemplateSpec template) {
    Map<String, String> merged = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getAnnotations() != null) {
      merged.putAll(template.getMetadata().getAnnotations());
    }
    if (workload.getMetadata().getAnnotations() != null) {
      merged.putAll(workload.getMetadata().getAnnotations());
    }
    return merged;
  }

  private static List<Pod> livePodsNewestFirst(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .sorted(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
            .reversed().thenComparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * Each template container with the newest probe any live pod has for it: during a rollout the new pods
   * are probed a little later than they start, and the older pods' facts stand until then.
   */
  private static List<AppContainer> containers(PodTemplateSpec template, List<Pod> pods, List<Problem> problems) {
    Map<String, ContainerProbe> newest = new HashMap<>();
    for (Pod p : pods) {
      Map<String, String> a = p.getMetadata().getAnnotations();
      String value = a == null ? null : a.get(HybridMeshNames.PROBE_ANNOTATION);
      PodProbes.Read parsed = PodProbes.read(p.getMetadata().getName(), value);
      problems.addAll(parsed.problems());
      parsed.containers().forEach(newest::putIfAbsent);
    }
    List<AppContainer> out = new ArrayList<>();
    if (template.getSpec() != null && template.getSpec().getContainers() != null) {
      for (Container c : template.getSpec().getContainers()) {
        out.add(new AppContainer(c.getName(), c.getImage(), newest.get(c.getName())));
      }
    }
    return out;
  }

  /**
   * The nodes the pods can be scheduled on (their nodeSelector and required node affinity) and the nodes they
   * are on. Judging every node they could land on, not only where they are now, keeps a rollout from changing
   * the decision: a pod moving to another node is not a new fact.
   */
  private static List<NodeFacts> nodes(PodTemplateSpec template, List<Pod> pods, ClusterView view,
      List<Problem> problems) {
    TreeSet<String> names = new TreeSet<>();
    for (Node n : view.nodes()) {
      if (SchedulingRules.admits(template.getSpec(), n.getMetadata().getName(), n.getMetadata().getLabels())) {
        names.add(n.getMetadata().getName());
      }
    }
    pods.stream().map(FactGatherer::nodeName).filter(n -> n != null && !n.isBlank()).forEach(names::add);
    List<NodeFacts> out = new ArrayList<>();
    for (String name : names) {
      NodeFactsReader.Read read = NodeFactsReader.read(name, view.nodeCapability(name).orElse(null),
          view.node(name).orElse(null));
      problems.addAll(read.problems());
      out.add(read.facts());
    }
    return out;
  }

  /** Where each live pod runs, for the report's list of pods on nodes that see less; unscheduled pods aside. */
  private static List<PodOnNode> placements(List<Pod> pods) {
    return pods.stream().filter(p -> nodeName(p) != null && !nodeName(p).isBlank())
        .map(p -> new PodOnNode(p.getMetadata().getName(), nodeName(p)))
        .sorted(Comparator.comparing(PodOnNode::pod)).toList();
  }

  private static String nodeName(Pod p) {
    return p.getSpec() == null ? null : p.getSpec().getNodeName();
  }

  /** A custom target no probed container resolves: say what the agent found at that path. */
  private static Optional<Problem> tlsProbeProblem(TlsProbeAnnotation custom, List<AppContainer> containers) {
    List<AppContainer> probed = containers.stream().filter(AppContainer::probed).toList();
    if (probed.isEmpty() || probed.stream().anyMatch(c -> ProbeKinds.customResolved(c.probe(), custom))) {
      return Optional.empty();
    }
    String why = probed.stream().flatMap(c -> c.probe().targets().stream())
        .filter(t -> custom.file().equals(t.file()) && !t.resolved() && t.unresolvedReason() != null)
        .map(ContainerProbe.Target::unresolvedReason).findFirst()
        .orElse("the agent reported no such target in any container");
    return Optional.of(new Problem(Problem.TLS_PROBE_UNRESOLVED, HybridMeshNames.TLS_PROBE_ANNOTATION + " "
        + custom.target() + " does not resolve: " + why + ". Check that " + custom.file() + " exists in the "
        + "container image and that its symbol table names " + String.join(", ", custom.symbols())
        + " (nm -D, or nm for a static binary); until then the workload is decided without it."));
  }
}
