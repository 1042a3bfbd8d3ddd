package io.hybridmesh.controller.facts;

import io.hybridmesh.api.annotation.ProbeEntry;
import io.hybridmesh.api.annotation.ProbeReasonEntry;
import io.hybridmesh.api.annotation.UprobeTargetEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * One container's entry in the pod annotation {@code hybridmesh.io/probe} ({@link ProbeEntry}, as its one
 * parser read it), reduced to what the decision and the report need: the targets of the binary and of every
 * TLS library it loads in one list.
 *
 * @param error set when the agent could not analyse the binary; then the other fields are empty
 * @param goFunctionsFrom for Go: SYMBOLS or PCLNTAB, how Write and Read were found; else null
 * @param goStructOffsets for Go: "DWARF" or "table go1.22", where the struct offsets came from; else null
 * @param refusals the agent's reasons whose code says why it will not probe the binary (GO_...)
 */
public record ContainerProbe(String binary, String library, String linkage, List<Target> targets,
    String goVersion, String error, boolean goBoringCrypto, String goFunctionsFrom, String goStructOffsets,
    List<ProbeReasonEntry> refusals) {

  public ContainerProbe {
    targets = List.copyOf(targets);
    refusals = List.copyOf(refusals);
  }

  public ContainerProbe(String binary, String library, String linkage, List<Target> targets, String goVersion,
      String error) {
    this(binary, library, linkage, targets, goVersion, error, false, null, null, List.of());
  }

  public static ContainerProbe of(ProbeEntry e) {
    List<Target> targets = new ArrayList<>();
    e.uprobeTargets().forEach(t -> targets.add(Target.of(t)));
    e.libraries().forEach(l -> l.uprobeTargets().forEach(t -> targets.add(Target.of(t))));
    return new ContainerProbe(e.path(), e.library(), e.linkage(), targets.stream().distinct().toList(),
        e.goVersion(), e.error(), Boolean.TRUE.equals(e.goBoringCrypto()), e.goFunctionsFrom(),
        e.goStructOffsets(), e.reasons().stream().filter(r -> r.code() != null && r.code().startsWith("GO_"))
            .toList());
  }

  /**
   * A function the probe would attach to, in the binary or a library it loads, and where its probe goes.
   *
   * @param offset the function's entry (file offset), or null when unresolved or not said
   * @param probeOffset the file offset actually probed (the entry, or an internal function both forms of an
   *     OpenSSL pair call), or null when the agent did not analyse the site (older agents)
   * @param instruction the instruction probed ("push %r14"), or null
   * @param cost how the kernel handles a hit there, or null when the agent did not say
   * @param site why the probe goes there, in the agent's words, or null
   */
  public record Target(String symbol, String file, boolean resolved, String unresolvedReason, Long offset,
      Long probeOffset, String instruction, ProbeCostClass cost, String site) {

    static Target of(UprobeTargetEntry t) {
      return new Target(t.symbol(), t.file(), t.resolved(), t.unresolvedReason(), t.offset(), t.probeOffset(),
          t.instruction(), ProbeCostClass.parse(t.cost()), t.site());
    }

    /** A target as older agents report it: no offset and no probe site. */
    public Target(String symbol, String file, boolean resolved, String unresolvedReason) {
      this(symbol, file, resolved, unresolvedReason, null, null, null, null, null);
    }

    /** The file offset a probe goes to: the chosen site, else the entry; null when neither is known. */
    public Long siteOffset() {
      return probeOffset != null ? probeOffset : offset;
    }
  }

  public boolean resolved(String symbol) {
    return targets.stream().anyMatch(t -> t.symbol().equals(symbol) && t.resolved());
  }
}
