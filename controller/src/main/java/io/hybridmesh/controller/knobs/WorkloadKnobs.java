package io.hybridmesh.controller.knobs;

import io.hybridmesh.api.annotation.Parsed;
import io.hybridmesh.api.annotation.Placement;
import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The user's knobs on one workload, parsed. Pure: annotations in, values and problems out. An invalid value
 * is never guessed at: it is reported as a problem and the workload keeps its last decision (see
 * {@link #valid()}), because acting on a typo could roll every pod of the workload.
 *
 * @param optedIn the namespace carries {@code hybridmesh.io/enabled=true}
 * @param tlsProbe the custom uprobe target, or null
 * @param placement {@code hybridmesh.io/placement}: which nodes the workload is decided for
 */
public record WorkloadKnobs(boolean optedIn, Mode mode, Fallback fallback, TlsProbeAnnotation tlsProbe,
    Placement placement, List<Problem> problems) {

  public WorkloadKnobs {
    problems = List.copyOf(problems);
  }

  public boolean valid() {
    return problems.isEmpty();
  }

  public static WorkloadKnobs parse(Map<String, String> namespaceLabels, Map<String, String> annotations,
      Fallback clusterDefault) {
    Map<String, String> ns = namespaceLabels == null ? Map.of() : namespaceLabels;
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    boolean optedIn = "true".equals(ns.get(HybridMeshNames.ENABLED_LABEL));
    List<Problem> problems = new ArrayList<>();
    Mode mode = parseMode(a.get(HybridMeshNames.MODE_ANNOTATION), problems);
    Fallback fallback = parseFallback(a.get(HybridMeshNames.FALLBACK_ANNOTATION), clusterDefault, problems);
    TlsProbeAnnotation probe = parseTlsProbe(a.get(HybridMeshNames.TLS_PROBE_ANNOTATION), problems);
    Placement placement = parsePlacement(a.get(HybridMeshNames.PLACEMENT_ANNOTATION), problems);
    return new WorkloadKnobs(optedIn, mode, fallback, probe, placement, problems);
  }

  static Mode parseMode(String raw, List<Problem> problems) {
    if (raw == null || raw.isBlank()) {
      return Mode.AUTO;
    }
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "auto":
        return Mode.AUTO;
      case "ebpf":
        return Mode.EBPF;
      case "sidecar":
        return Mode.SIDECAR;
      case "off":
        return Mode.OFF;
      default:
        problems.add(new Problem(Problem.INVALID_MODE, HybridMeshNames.MODE_ANNOTATION + " is '" + raw
            + "', which is not one of auto, ebpf, sidecar, off; fix the annotation. Until then the workload "
            + "keeps its last decision and its pods are left as they are."));
        return Mode.AUTO;
    }
  }

  static Fallback parseFallback(String raw, Fallback clusterDefault, List<Problem> problems) {
    if (raw == null || raw.isBlank()) {
      return clusterDefault;
    }
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "sidecar":
        return Fallback.SIDECAR;
      case "none":
        return Fallback.NONE;
      default:
        problems.add(new Problem(Problem.INVALID_FALLBACK, HybridMeshNames.FALLBACK_ANNOTATION + " is '" + raw
            + "', which is not one of sidecar, none; fix the annotation or remove it to use the cluster default ("
            + clusterDefault.name().toLowerCase(Locale.ROOT) + "). Until then the workload keeps its last "
            + "decision."));
        return clusterDefault;
    }
  }

  static TlsProbeAnnotation parseTlsProbe(String raw, List<Problem> problems) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    Parsed<TlsProbeAnnotation> p = TlsProbeAnnotation.parse(raw);
    if (p.refusal() == Parsed.Refusal.UNSUPPORTED_VERSION) {
      problems.add(new Problem(Problem.UNSUPPORTED_TLS_PROBE_VERSION, HybridMeshNames.TLS_PROBE_ANNOTATION + " is '"
          + shown(raw) + "': " + p.reason() + ". Write it in version " + TlsProbeAnnotation.FORMAT_VERSION
          + " (/path/in/image:symbol[,symbol...]) or upgrade the controller. Until then the workload keeps its "
          + "last decision."));
    } else if (!p.ok()) {
      problems.add(new Problem(Problem.INVALID_TLS_PROBE, HybridMeshNames.TLS_PROBE_ANNOTATION + " is '"
          + shown(raw) + "': " + p.reason() + ". It must be an absolute path inside the container and one or "
          + "more symbols, like /usr/bin/app:my_ssl_write,my_ssl_read. Until it is fixed the workload keeps its "
          + "last decision."));
    }
    return p.value().orElse(null);
  }

  static Placement parsePlacement(String raw, List<Problem> problems) {
    Parsed<Placement> p = Placement.parse(raw);
    if (!p.ok()) {
      problems.add(new Problem(Problem.INVALID_PLACEMENT, HybridMeshNames.PLACEMENT_ANNOTATION + ": " + p.reason()
          + ". Until it is fixed the workload keeps its last decision and its pods are left as they are."));
    }
    return p.value().orElse(Placement.ANY_NODE);
  }

  /** A user's value quoted in a message: without control characters, and not at any length. */
  private static String shown(String raw) {
    String s = raw.strip().replaceAll("\\p{Cntrl}", " ");
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
