package io.hybridmesh.cli;

import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.ProbeEntries;
import io.hybridmesh.api.annotation.ProbeEntry;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.decision.NodeFacts;
import io.hybridmesh.controller.facts.ContainerProbe;
import io.hybridmesh.controller.facts.ProbeKinds;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The verdict {@code hmesh probe} prints for a binary: what the decision engine picks in auto mode on a
 * fully capable kernel, with the probe kinds the agent supports today.
 */
public final class ProbeVerdicts {

  /** What the agent reads today; the controller decides with the same set. */
  public static final Set<ProbeKind> AGENT_SUPPORTS = ProbeKinds.AGENT_SUPPORTS;

  private static final NodeFacts CAPABLE_NODE =
      new NodeFacts("capable", "any", EnumSet.allOf(KernelFeature.class), false);

  private ProbeVerdicts() {}

  static Decision decide(ProbeResult r) {
    Inputs.Container c = container(r);
    return DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(CAPABLE_NODE),
        List.of(c), AGENT_SUPPORTS));
  }

  /**
   * The same mapping the controller applies to the agent's probe annotation: through the annotation's own
   * form (ProbeEntry, then ContainerProbe), so a verdict here is the verdict there.
   */
  public static Inputs.Container container(ProbeResult r) {
    ProbeEntry e = ProbeEntries.of(r, null, null, r.reasons().stream()
        .map(x -> ProbeEntries.reason(x.code(), x.message())).toList());
    return ProbeKinds.container(r.path(), ContainerProbe.of(e), null);
  }
}
