package io.hybridmesh.controller.knobs;

import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.decision.Inputs.Fallback;
import io.hybridmesh.controller.decision.Inputs.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The user's knobs on one workload, parsed. Pure: annotations in, values and problems out. An invalid value
 * is never guessed at: it is reported as a problem and the workload keeps its last decision (see
 * {@link #valid()}), because acting on a typo could roll every pod of the workload.
 *
 * @param optedIn the namespace carries {@code hybridmesh.io/enabled=true}
 * @param tlsProbe the custom uprobe target, or null
 */
public record WorkloadKnobs(boolean optedIn, Mode mode, Fallback fallback, TlsProbe tlsProbe,
    List<Problem> problems) {

  private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$@]*");

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
    TlsProbe probe = parseTlsProbe(a.get(HybridMeshNames.TLS_PROBE_ANNOTATION), problems);
    return new WorkloadKnobs(optedIn, mode, fallback, probe, problems);
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

  static TlsProbe parseTlsProbe(String raw, List<Problem> problems) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String value = raw.trim();
    int colon = value.lastIndexOf(':');
    String file = colon > 0 ? value.substring(0, colon) : "";
    String[] symbols = colon > 0 ? value.substring(colon + 1).split(",", -1) : new String[0];
    boolean ok = file.startsWith("/") && !file.contains("\n") && symbols.length > 0;
    for (String s : symbols) {
      ok &= SYMBOL.matcher(s.trim()).matches();
    }
    if (!ok) {
      problems.add(new Problem(Problem.INVALID_TLS_PROBE, HybridMeshNames.TLS_PROBE_ANNOTATION + " is '" + raw
          + "'; it must be an absolute path inside the container and one or more symbols, like "
          + "/usr/bin/app:my_ssl_write,my_ssl_read. Until it is fixed the workload keeps its last decision."));
      return null;
    }
    List<String> names = new ArrayList<>();
    for (String s : symbols) {
      names.add(s.trim());
    }
    return new TlsProbe(file, names);
  }
}
