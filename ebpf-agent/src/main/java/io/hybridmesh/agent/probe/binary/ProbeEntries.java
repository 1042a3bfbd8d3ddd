package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.api.annotation.AnnotationText;
import io.hybridmesh.api.annotation.LibraryEntry;
import io.hybridmesh.api.annotation.ProbeEntry;
import io.hybridmesh.api.annotation.ProbeReasonEntry;
import io.hybridmesh.api.annotation.UprobeTargetEntry;
import java.util.List;

/**
 * The prober's findings in the shared typed form ({@code io.hybridmesh.api.annotation}) that both
 * {@code hmesh probe --output json} and the pod annotation {@code hybridmesh.io/probe} are written from. The
 * one conversion, so the two cannot drift. Sentences are clipped to what the format allows (an exception's
 * message can be as long as it likes); nothing else is changed.
 */
public final class ProbeEntries {

  private ProbeEntries() {}

  /**
   * One probe result; {@code verdict}, {@code l7Visibility} and {@code reasons} are the caller's (the probe
   * alone does not decide), each null or empty when it has none.
   */
  public static ProbeEntry of(ProbeResult r, String verdict, String l7Visibility, List<ProbeReasonEntry> reasons) {
    if (!r.ok()) {
      return ProbeEntry.failed(r.path(), sentence(r.error()), reasons);
    }
    try {
      GoTls go = r.libraries().stream().map(TlsLibrary::go).filter(g -> g != null).findFirst().orElse(null);
      return new ProbeEntry(r.path(), null, r.library().name(), r.libraryVersion(), r.linkage().name(), verdict,
          l7Visibility, targets(r.uprobeTargets()), r.goVersion(), r.goBoringCrypto(), r.stripped(), r.buildId(),
          r.libraries().stream().map(ProbeEntries::library).toList(), reasons,
          go == null ? null : go.functionsFrom(), go == null || go.offsets() == null ? null : go.offsets().source());
    } catch (IllegalArgumentException e) {
      // A finding the format cannot carry (a file whose symbol table names a symbol with a space in it): the
      // container is reported as not analysed, with why, rather than the scan failing for the whole node.
      return ProbeEntry.failed(r.path(), sentence("the probe's findings do not fit the hybridmesh.io/probe "
          + "format: " + e.getMessage()), List.of());
    }
  }

  public static ProbeReasonEntry reason(String code, String message) {
    return new ProbeReasonEntry(code, sentence(message));
  }

  public static List<UprobeTargetEntry> targets(List<UprobeTarget> targets) {
    return targets.stream().map(ProbeEntries::target).toList();
  }

  public static UprobeTargetEntry target(UprobeTarget t) {
    if (!t.isResolved()) {
      String why = t.unresolvedReason() == null ? "the function does not resolve" : t.unresolvedReason();
      return UprobeTargetEntry.unresolved(t.symbol(), t.file(), sentence(why));
    }
    // Where the probe really goes, the instruction there and what a hit costs (see ProbeSiteSelector).
    return new UprobeTargetEntry(t.symbol(), t.file(), t.offset(), t.probeOffset(),
        AnnotationText.clip(t.instruction(), UprobeTargetEntry.MAX_INSTRUCTION),
        t.cost() == null ? null : t.cost().name(), sentence(t.site()), null);
  }

  private static LibraryEntry library(TlsLibrary l) {
    return new LibraryEntry(l.kind().name(), l.file(), l.linkage().name(), l.depth(), l.version(),
        targets(l.uprobeTargets()));
  }

  private static String sentence(String s) {
    return AnnotationText.clip(s, ProbeEntry.MAX_SENTENCE);
  }
}
