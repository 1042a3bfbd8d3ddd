package io.hybridmesh.controller.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.hybridmesh.api.v1alpha1.ContainerStatus;
import io.hybridmesh.api.v1alpha1.NodeStatus;
import io.hybridmesh.api.v1alpha1.ReasonStatus;
import io.hybridmesh.api.v1alpha1.UprobeTargetStatus;
import io.hybridmesh.api.v1alpha1.WorkloadCapabilityStatus;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.WorkloadFacts;
import io.hybridmesh.controller.facts.WorkloadFacts.AppContainer;
import io.hybridmesh.controller.knobs.Problem;
import io.hybridmesh.controller.report.TlsCallCost;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds a WorkloadCapability status. Pure. Times are carried over from the previous status whenever what
 * they date has not changed, so the same facts build an equal status and a reconcile writes nothing.
 */
public final class StatusBuilder {

  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";

  private StatusBuilder() {}

  static WorkloadCapabilityStatus build(WorkloadFacts facts, String path, String visibility,
      List<ReasonStatus> reasons, String readyReason, List<Problem> problems, WorkloadCapabilityStatus previous,
      long generation, Instant now) {
    WorkloadCapabilityStatus s = new WorkloadCapabilityStatus();
    s.setDataPath(path);
    s.setL7Visibility(visibility);
    s.setRequestedMode(facts.knobs().mode().name().toLowerCase(Locale.ROOT));
    s.setFallback(facts.knobs().fallback().name().toLowerCase(Locale.ROOT));
    s.setReasons(copy(reasons));
    s.setContainers(facts.containers().stream().map(StatusBuilder::container).toList());
    List<TlsCallCost.Site> sites = TlsCallCost.sitesOfProbes(probes(facts));
    s.setNodes(facts.nodes().stream().map(n -> node(n, TlsCallCost.estimate(path, sites, n.uprobeCost()))).toList());
    boolean sameDecision = previous != null && Objects.equals(previous.getDataPath(), path)
        && Objects.equals(previous.getL7Visibility(), visibility);
    s.setDecidedAt(sameDecision && previous.getDecidedAt() != null ? previous.getDecidedAt() : time(now));
    s.setObservedGeneration(generation);
    String headline = reasons.isEmpty() ? "" : reasons.get(0).getMessage();
    boolean ready = "Decided".equals(readyReason);
    List<Condition> conditions = new ArrayList<>();
    conditions.add(condition(previous, READY, ready, readyReason, headline, generation, now));
    conditions.add(problems.isEmpty()
        ? condition(previous, DEGRADED, false, "AsExpected", "", generation, now)
        : condition(previous, DEGRADED, true, problems.get(0).code(),
            problems.stream().map(Problem::message).distinct().collect(Collectors.joining(" ")), generation, now));
    s.setConditions(conditions);
    return s;
  }

  /** The Degraded condition's message when it is true, else null. */
  public static String degradedMessage(WorkloadCapabilityStatus s) {
    return find(s, DEGRADED).filter(c -> "True".equals(c.getStatus())).map(Condition::getMessage).orElse(null);
  }

  /** The status with a Degraded condition saying a reconcile failed; everything else kept. */
  public static WorkloadCapabilityStatus withFailure(WorkloadCapabilityStatus previous, String message, Instant now) {
    WorkloadCapabilityStatus s = previous == null ? new WorkloadCapabilityStatus() : previous;
    long generation = s.getObservedGeneration() == null ? 0 : s.getObservedGeneration();
    List<Condition> conditions = new ArrayList<>(s.getConditions() == null ? List.of() : s.getConditions());
    conditions.removeIf(c -> DEGRADED.equals(c.getType()));
    conditions.add(condition(previous, DEGRADED, true, Problem.RECONCILE_FAILED, message, generation, now));
    s.setConditions(conditions);
    return s;
  }

  /**
   * The status with what became of the sidecar's configuration, for sidecar workloads only. The
   * {@code SidecarConfigured} condition is False with reason {@code ConfigRefused} when the controller
   * refused to publish the latest configuration (it failed the check against the sidecars' bootstrap; the
   * reasons then also carry {@link ControllerReasonCode#SIDECAR_CONFIG_REFUSED}), False with
   * {@code EnvoyRejectedConfig} and Envoy's own words when a sidecar rejected what it was sent (a NACK), and
   * True when it took it. The condition's transition time moves only when the answer changes.
   *
   * @param rejection the sidecars' NACK, or null
   * @param refusal why the controller refused to publish, or null
   */
  public static WorkloadCapabilityStatus withSidecarConfig(WorkloadCapabilityStatus previous,
      WorkloadCapabilityStatus status, String rejection, String refusal, Instant now) {
    List<Condition> conditions = new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
    conditions.removeIf(c -> SIDECAR_CONFIGURED.equals(c.getType()));
    // A status frozen from the previous one carries its reasons: the refusal is re-added below if it holds.
    List<ReasonStatus> reasons = new ArrayList<>(status.getReasons() == null ? List.of() : status.getReasons());
    reasons.removeIf(r -> ControllerReasonCode.SIDECAR_CONFIG_REFUSED.name().equals(r.getCode()));
    if ("SIDECAR".equals(status.getDataPath())) {
      long generation = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
      if (refusal != null) {
        reasons.add(new ReasonStatus(ControllerReasonCode.SIDECAR_CONFIG_REFUSED.name(), refusal));
        conditions.add(condition(previous, SIDECAR_CONFIGURED, false, "ConfigRefused",
            rejection == null ? refusal : refusal + " Also: " + rejection, generation, now));
      } else if (rejection != null) {
        conditions.add(condition(previous, SIDECAR_CONFIGURED, false, "EnvoyRejectedConfig", rejection
            + REJECTION_ADVICE, generation, now));
      } else {
        conditions.add(condition(previous, SIDECAR_CONFIGURED, true, "Accepted", "", generation, now));
      }
    }
    status.setReasons(reasons);
    status.setConditions(conditions);
    return status;
  }

  private static final String REJECTION_ADVICE = " The sidecar keeps its last good configuration; the controller"
      + " holds the rejected one until the workload's Services or ports change. Check them, or report the message"
      + " with `hmesh report`.";

  /**
   * Whether the status's {@code SidecarConfigured} condition already reports this NACK or refusal: the
   * reconcile then tells no one again.
   */
  public static boolean sidecarConfigReports(WorkloadCapabilityStatus s, String answer) {
    return find(s, SIDECAR_CONFIGURED)
        .filter(c -> "False".equals(c.getStatus()) && c.getMessage() != null && c.getMessage().contains(answer))
        .isPresent();
  }

  public static final String SIDECAR_CONFIGURED = "SidecarConfigured";

  static java.util.Optional<Condition> find(WorkloadCapabilityStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return java.util.Optional.empty();
    }
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private static Condition condition(WorkloadCapabilityStatus previous, String type, boolean value, String reason,
      String message, long generation, Instant now) {
    String status = value ? "True" : "False";
    String since = find(previous, type).filter(c -> status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime).orElse(time(now));
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build();
  }

  private static ContainerStatus container(AppContainer c) {
    ContainerStatus s = new ContainerStatus();
    s.setName(c.name());
    s.setImage(c.image());
    s.setProbed(c.probed());
    ContainerProbe p = c.probe();
    if (p != null) {
      s.setBinary(p.binary());
      s.setLibrary(p.library());
      s.setLinkage(p.linkage());
      s.setGoVersion(p.goVersion());
      s.setGoFunctionsFrom(p.goFunctionsFrom());
      s.setGoStructOffsets(p.goStructOffsets());
      s.setGoBoringCrypto(p.goBoringCrypto() ? Boolean.TRUE : null);
      s.setUprobeTargets(p.targets().stream().map(StatusBuilder::target).toList());
    }
    return s;
  }

  private static UprobeTargetStatus target(ContainerProbe.Target t) {
    UprobeTargetStatus s = new UprobeTargetStatus(t.symbol(), t.file(), t.resolved(), t.unresolvedReason());
    s.setOffset(t.offset());
    s.setProbeOffset(t.probeOffset());
    s.setInstruction(t.instruction());
    s.setCost(t.cost() == null ? null : t.cost().name());
    s.setSite(t.site());
    return s;
  }

  /** Container name to its probe, in the pod template's order (unprobed containers map to null). */
  private static Map<String, ContainerProbe> probes(WorkloadFacts facts) {
    Map<String, ContainerProbe> out = new LinkedHashMap<>();
    facts.containers().forEach(c -> out.put(c.name(), c.probe()));
    return out;
  }

  private static NodeStatus node(NodeFacts n, TlsCallCost.Estimate tlsCall) {
    NodeStatus s = new NodeStatus();
    s.setName(n.node());
    s.setKernel(n.kernelRelease());
    s.setCapable(n.canReadTls());
    s.setGuess(n.guess());
    s.setMissingFeatures(n.missingForL7().stream().map(Enum::name).toList());
    s.setTlsCallNanos(tlsCall.nanos());
    s.setTlsCallNote(tlsCall.whyNot());
    s.setEmulatedPairNs(n.uprobeCost().emulatedNs());
    s.setSingleSteppedPairNs(n.uprobeCost().singleSteppedNs());
    return s;
  }

  private static List<ReasonStatus> copy(List<ReasonStatus> reasons) {
    return reasons.stream().map(r -> new ReasonStatus(r.getCode(), r.getMessage())).toList();
  }

  private static String time(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
