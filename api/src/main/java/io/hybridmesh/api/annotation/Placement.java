package io.hybridmesh.api.annotation;

import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.Locale;

/**
 * The workload annotation {@code hybridmesh.io/placement}: where the workload is decided for. A keyword, not
 * a structured value, so it carries no version: a keyword a newer build adds is refused by an older one as
 * an unknown value, with the reason.
 */
public enum Placement {
  /** No annotation: decided for every node it may be scheduled on, so for the weakest of them. */
  ANY_NODE,
  /**
   * {@code prefer-capable}: a preferred node affinity to nodes whose kernel can read TLS, and the decision
   * made for those nodes; pods the scheduler still puts elsewhere are listed in the report.
   */
  PREFER_CAPABLE;

  public static final String PREFER_CAPABLE_VALUE = "prefer-capable";

  /** Absent or blank is {@link #ANY_NODE}; the value is read without regard to case or surrounding space. */
  public static Parsed<Placement> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Parsed.of(ANY_NODE);
    }
    if (raw.strip().toLowerCase(Locale.ROOT).equals(PREFER_CAPABLE_VALUE)) {
      return Parsed.of(PREFER_CAPABLE);
    }
    return Parsed.refused(Refusal.MALFORMED, "'" + FieldRules.shown(raw) + "' is not a placement; the one value "
        + "is " + PREFER_CAPABLE_VALUE + " (remove the annotation to decide for every node)");
  }

  /** The annotation value; null for the default, which is written as no annotation. */
  public String toAnnotation() {
    return this == PREFER_CAPABLE ? PREFER_CAPABLE_VALUE : null;
  }
}
