package io.hybridmesh.controller.status;

import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.api.annotation.Placement;
import io.hybridmesh.api.v1alpha1.PodPlacementStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.Decision.DataPath;
import io.hybridmesh.controller.decision.Decision.Visibility;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.Mode;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.facts.ProbeKinds;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.status.Plan.AffinityAction;
import io.hybridmesh.controller.status.Plan.Note;
import io.hybridmesh.controller.status.Plan.SidecarAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Facts and the previous status in, a {@link Plan} out. Pure. The decision engine decides; this adds the
 * cases it is not asked about (another mesh, hostNetwork, containers not probed yet, invalid knobs) and
 * keeps the last decision where the input is uncertain, so pods are never rolled on a typo or a gap.
 */
public final class WorkloadPlanner {

  private final Set<ProbeKind> supported;

  public WorkloadPlanner(Set<ProbeKind> supported) {
    this.supported = Set.copyOf(supported);
  }

  /** @param previous the status written last time, or null */
  public Plan plan(WorkloadFacts facts, WorkloadCapabilityStatus previous, long generation, Instant now) {
    List<Problem> problems = new ArrayList<>(facts.knobs().problems());
    problems.addAll(facts.problems());
    ObservedPorts observed = observed(facts, previous);
    Outcome o = outcome(facts, previous, observed);
    WorkloadCapabilityStatus status = StatusBuilder.build(facts, o.path, o.visibility, o.reasons, o.ready,
        problems, previous, generation, now);
    status.setObservedPorts(observed.entries().isEmpty() ? null : observed.toAnnotation());
    status.setPlacement(placement(facts.knobs().placement()));
    status.setPodsOnIncapableNodes(o.shortfalls != null ? o.shortfalls
        : previous == null || previous.getPodsOnIncapableNodes() == null ? List.of() : previous.getPodsOnIncapableNodes());
    if (o.frozen && previous != null) {
      status.setRequestedMode(previous.getRequestedMode());
      status.setFallback(previous.getFallback());
      status.setPlacement(previous.getPlacement());
    }
    return new Plan(status, o.action, affinity(facts), notes(previous, status, problems));
  }

  /**
   * @param shortfalls the pods on nodes that see less than decided; null when no decision was made now (the
   *     last one's list stands)
   */
  private record Outcome(String path, String visibility, List<ReasonStatus> reasons, String ready,
      SidecarAction action, boolean frozen, List<PodPlacementStatus> shortfalls) {

    Outcome(String path, String visibility, List<ReasonStatus> reasons, String ready, SidecarAction action,
        boolean frozen) {
      this(path, visibility, reasons, ready, action, frozen, null);
    }
  }

  /**
   * The preferred affinity goes with the knob, whatever the decision, so pods land on capable nodes from the
   * start; off and other meshes get none, and an invalid knob leaves the template as it is.
   */
  private static AffinityAction affinity(WorkloadFacts facts) {
    if (!facts.knobs().valid()) {
      return AffinityAction.LEAVE;
    }
    boolean wanted = facts.knobs().placement() == Placement.PREFER_CAPABLE && facts.knobs().mode() != Mode.OFF
        && facts.otherMesh().isEmpty();
    return wanted ? AffinityAction.ADD : AffinityAction.REMOVE;
  }

  static String placement(Placement p) {
    return p == Placement.PREFER_CAPABLE ? Placement.PREFER_CAPABLE_VALUE : "any-node";
  }

  /**
   * What the pods' connections began with, and what the last status kept: a rollout's new pods start with
   * nothing seen, and forgetting what the old ones saw would move the workload back and forth between paths.
   */
  private static ObservedPorts observed(WorkloadFacts facts, WorkloadCapabilityStatus previous) {
    ObservedPorts before = previous == null ? ObservedPorts.NONE
        : ObservedPorts.parse(previous.getObservedPorts()).value().orElse(ObservedPorts.NONE);
    return facts.observedPorts().union(before);
  }

  private Outcome outcome(WorkloadFacts facts, WorkloadCapabilityStatus previous, ObservedPorts observed) {
    if (!facts.knobs().valid()) {
      if (previous != null && previous.getDataPath() != null) {
        return new Outcome(previous.getDataPath(), previous.getL7Visibility(), previous.getReasons(),
            "InvalidAnnotation", SidecarAction.LEAVE, true);
      }
      return new Outcome(DataPath.PENDING.name(), Visibility.NONE.name(), List.of(new ReasonStatus(
          ControllerReasonCode.INVALID_ANNOTATION.name(), facts.knobs().problems().get(0).message())),
          "InvalidAnnotation", SidecarAction.LEAVE, true);
    }
    if (facts.knobs().mode() != Mode.OFF && facts.otherMesh().isPresent()) {
      return fixed(ControllerReasonCode.OTHER_MESH, "The workload is already in another mesh ("
          + facts.otherMesh().get() + "), so Hybrid Mesh leaves it alone: a second traffic redirector would "
          + "capture its traffic twice. Take it out of that mesh to observe it here, or set "
          + "hybridmesh.io/mode: off to say this is intended.");
    }
    List<String> unprobed = facts.containers().stream().filter(c -> !c.probed()).map(AppContainer::name).toList();
    if (facts.knobs().mode() == Mode.AUTO && !unprobed.isEmpty() && !facts.nodes().isEmpty()) {
      Optional<Problem> newer = facts.problems().stream()
          .filter(p -> Problem.UNSUPPORTED_PROBE_ANNOTATION_VERSION.equals(p.code())).findFirst();
      if (newer.isPresent()) {
        return unreadableFormat(newer.get(), previous);
      }
      // Judging an unprobed container unreadable would give it a sidecar that the first probe might take
      // away again; the decision waits, and the pod template stays as it is.
      return new Outcome(DataPath.PENDING.name(), Visibility.NONE.name(), List.of(new ReasonStatus(
          ControllerReasonCode.PROBE_PENDING.name(), "No agent has probed container" + (unprobed.size() > 1 ? "s " : " ")
          + String.join(", ", unprobed) + " yet; the decision waits for the hybridmesh.io/probe annotation that "
          + "the agent on a pod's node writes. If it never comes, check that the agent runs on that node.")),
          "Pending", SidecarAction.LEAVE, false);
    }
    PlacementScope.Scope scope = PlacementScope.of(facts.knobs().placement(), facts.nodes());
    Inputs inputs = inputs(facts, scope.nodes(), observed);
    Decision d = DecisionEngine.decide(inputs);
    if (d.dataPath() == DataPath.SIDECAR && facts.hostNetwork()) {
      return fixed(ControllerReasonCode.HOST_NETWORK, "The workload would get a sidecar, but its pods use "
          + "hostNetwork, where redirecting traffic would capture the whole node's; it is not observed. Run it "
          + "without hostNetwork, or set hybridmesh.io/fallback: none to observe it with eBPF at L4.");
    }
    List<ReasonStatus> reasons = new ArrayList<>();
    d.reasons().forEach(r -> reasons.add(new ReasonStatus(r.code().name(), r.message())));
    scope.reason().ifPresent(reasons::add);
    List<PodPlacementStatus> shortfalls = PlacementScope.shortfalls(d, inputs, facts.pods(), facts.nodes());
    PlacementScope.shortfallReason(shortfalls).ifPresent(reasons::add);
    SidecarAction action = switch (d.dataPath()) {
      case SIDECAR -> SidecarAction.INJECT;
      case EBPF, NONE -> SidecarAction.REMOVE;
      case PENDING -> SidecarAction.LEAVE;
    };
    return new Outcome(d.dataPath().name(), d.visibility().name(), reasons,
        d.dataPath() == DataPath.PENDING ? "Pending" : "Decided", action, false, shortfalls);
  }

  /**
   * The facts are there but written in a format this controller cannot read: deciding without them would be
   * deciding on a guess, so the last decision stands (or the decision waits), with the reason first.
   */
  private static Outcome unreadableFormat(Problem problem, WorkloadCapabilityStatus previous) {
    String code = ControllerReasonCode.PROBE_FORMAT_UNSUPPORTED.name();
    List<ReasonStatus> reasons = new ArrayList<>(List.of(new ReasonStatus(code, problem.message())));
    boolean decidedBefore = previous != null && previous.getDataPath() != null
        && !DataPath.PENDING.name().equals(previous.getDataPath());
    if (!decidedBefore) {
      return new Outcome(DataPath.PENDING.name(), Visibility.NONE.name(), reasons, "Pending", SidecarAction.LEAVE,
          false);
    }
    previous.getReasons().stream().filter(r -> !code.equals(r.getCode())).forEach(reasons::add);
    return new Outcome(previous.getDataPath(), previous.getL7Visibility(), reasons, "ProbeFormatUnsupported",
        SidecarAction.LEAVE, false);
  }

  private static Outcome fixed(ControllerReasonCode code, String message) {
    return new Outcome(DataPath.NONE.name(), Visibility.NONE.name(), List.of(new ReasonStatus(code.name(),
        message)), "Decided", SidecarAction.REMOVE, false, List.of());
  }

  /** What the engine decides from: the probed containers (explicit modes do not wait for probes) on these nodes. */
  private Inputs inputs(WorkloadFacts facts, List<NodeFacts> nodes, ObservedPorts observed) {
    List<Inputs.Container> containers = facts.containers().stream().filter(AppContainer::probed)
        .map(c -> ProbeKinds.container(c.name(), c.probe(), facts.knobs().tlsProbe())).toList();
    return new Inputs(facts.knobs().mode(), facts.knobs().fallback(), nodes, containers, supported, observed);
  }

  private static List<Note> notes(WorkloadCapabilityStatus previous, WorkloadCapabilityStatus now,
      List<Problem> problems) {
    List<Note> notes = new ArrayList<>();
    String before = previous == null ? null : previous.getDataPath();
    if (!Objects.equals(before, now.getDataPath())) {
      String headline = now.getReasons().isEmpty() ? "" : " " + now.getReasons().get(0).getMessage();
      notes.add(new Note(false, "DataPathChanged", "Data path " + (before == null ? "(none)" : before) + " -> "
          + now.getDataPath() + ", L7 visibility " + now.getL7Visibility() + "." + headline));
    }
    // One Warning per problem that is new since the last status, with the problem's own reason.
    String degradedBefore = StatusBuilder.degradedMessage(previous);
    problems.stream().distinct()
        .filter(p -> degradedBefore == null || !degradedBefore.contains(p.message()))
        .forEach(p -> notes.add(new Note(true, p.code(), p.message())));
    return notes;
  }
}
