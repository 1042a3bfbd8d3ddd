package io.hybridmesh.agent.metrics;

import java.math.BigDecimal;
import java.util.List;

/** Pieces of the Prometheus text exposition format 0.0.4. */
final class TextFormat {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private TextFormat() {}

  /** Label values: backslash, double quote and line feed are escaped; everything else is literal UTF-8. */
  static String escapeLabelValue(String v) {
    if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    StringBuilder sb = new StringBuilder(v.length() + 8);
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** HELP text: only backslash and line feed are escaped. */
  static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  static void header(StringBuilder out, String name, String help, String type) {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** {@code name{a="x",b="y"}} plus an optional extra label (a histogram's {@code le}). */
  static void sampleName(StringBuilder out, String name, List<String> labelNames, List<String> values,
      String extraName, String extraValue) {
    out.append(name);
    if (labelNames.isEmpty() && extraName == null) {
      return;
    }
    out.append('{');
    for (int i = 0; i < labelNames.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(labelNames.get(i)).append("=\"").append(escapeLabelValue(values.get(i))).append('"');
    }
    if (extraName != null) {
      out.append(labelNames.isEmpty() ? "" : ",").append(extraName).append("=\"").append(extraValue).append('"');
    }
    out.append('}');
  }

  /** Plain decimal notation ({@code 0.0005}, not Java's {@code 5.0E-4}), integers without a fraction. */
  static String number(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
