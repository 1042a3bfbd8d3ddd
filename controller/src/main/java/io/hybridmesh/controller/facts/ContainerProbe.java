package io.hybridmesh.controller.facts;

import java.util.List;

/**
 * One container's entry in the pod annotation {@code hybridmesh.io/probe}: one element of
 * {@code hmesh probe --output json}, reduced to what the decision and the report need.
 *
 * @param error set when the agent could not analyse the binary; then the other fields are empty
 */
public record ContainerProbe(String binary, String library, String linkage, List<Target> targets,
    String goVersion, String error) {

  public ContainerProbe {
    targets = List.copyOf(targets);
  }

  /** A function the probe would attach to, in the binary or a library it loads. */
  public record Target(String symbol, String file, boolean resolved, String unresolvedReason) {}

  public boolean resolved(String symbol) {
    return targets.stream().anyMatch(t -> t.symbol().equals(symbol) && t.resolved());
  }
}
