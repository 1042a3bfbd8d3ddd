package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.agent.probe.site.ProbeSite;

/**
 * A function a uprobe would attach to: the file that holds it and its file offset, or, when it does not
 * resolve, {@code file}/{@code offset} null and {@code unresolvedReason} saying why.
 *
 * <p>Where the probe really goes can differ from the function's entry: {@code probeOffset} is the file
 * offset probed (the entry, or an internal function the exported one merely wraps), {@code instruction}
 * the instruction there, {@code cost} how the kernel handles a hit on it, and {@code site} a sentence on
 * why this place was chosen. They are null when the site was not analysed (an unresolved target, or an
 * architecture the decoder does not know; then the entry is probed).
 */
public record UprobeTarget(String symbol, String file, Long offset, String unresolvedReason, Long probeOffset,
    String instruction, ProbeCost cost, String site) {

  public static UprobeTarget resolved(String symbol, String file, long offset) {
    return new UprobeTarget(symbol, file, offset, null, null, null, null, null);
  }

  public static UprobeTarget unresolved(String symbol, String file, String reason) {
    return new UprobeTarget(symbol, file, null, reason, null, null, null, null);
  }

  public boolean isResolved() {
    return offset != null;
  }

  /** This target with its probe site chosen. */
  public UprobeTarget at(long probeOffset, String instruction, ProbeCost cost, String site) {
    return new UprobeTarget(symbol, file, offset, unresolvedReason, probeOffset, instruction, cost, site);
  }

  /**
   * This resolved target with the site chosen for it: placed there, or, when the function must not be probed
   * at all, unresolved with the site's reason.
   */
  public UprobeTarget withSite(ProbeSite site) {
    return site.probeable() ? at(site.offset(), site.instruction(), site.cost(), site.reason())
        : unresolved(symbol, file, site.reason());
  }

  /** The file offset a probe goes to: the chosen site, else the function's entry; null when unresolved. */
  public Long siteOffset() {
    return probeOffset != null ? probeOffset : offset;
  }
}
