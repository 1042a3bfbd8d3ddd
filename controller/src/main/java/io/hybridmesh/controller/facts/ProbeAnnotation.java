package io.hybridmesh.controller.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import io.hybridmesh.controller.knobs.Problem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's pod annotation {@code hybridmesh.io/probe}: a JSON object from container name to one
 * element of {@code hmesh probe --output json}. Pure; a malformed annotation is a problem, never an exception.
 */
public final class ProbeAnnotation {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Longer than any x86-64 instruction the agent prints ("lock cmpxchg %r14,0x12345678(%rip)"). */
  static final int MAX_INSTRUCTION = 80;
  /** Longer than any of the agent's site sentences. */
  static final int MAX_SITE = 1000;

  private ProbeAnnotation() {}

  /** The parsed entries, or what is wrong with them. */
  public record Parsed(Map<String, ContainerProbe> containers, List<Problem> problems) {}

  public static Parsed parse(String podName, String value) {
    Map<String, ContainerProbe> out = new LinkedHashMap<>();
    List<Problem> problems = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return new Parsed(out, problems);
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (Exception e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      problems.add(unreadable(podName, "it is not a JSON object"));
      return new Parsed(out, problems);
    }
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (!e.getValue().isObject()) {
        problems.add(unreadable(podName, "the entry for container '" + e.getKey() + "' is not an object"));
        continue;
      }
      out.put(e.getKey(), container(e.getValue()));
    }
    return new Parsed(out, problems);
  }

  private static ContainerProbe container(JsonNode o) {
    List<ContainerProbe.Target> targets = new ArrayList<>();
    targets(o.get("uprobeTargets"), targets);
    JsonNode libraries = o.get("libraries");
    if (libraries != null && libraries.isArray()) {
      libraries.forEach(l -> targets(l.get("uprobeTargets"), targets));
    }
    return new ContainerProbe(text(o, "path"), text(o, "library"), text(o, "linkage"),
        targets.stream().distinct().toList(), text(o, "goVersion"), text(o, "error"));
  }

  private static void targets(JsonNode array, List<ContainerProbe.Target> out) {
    if (array == null || !array.isArray()) {
      return;
    }
    for (JsonNode t : array) {
      String symbol = text(t, "symbol");
      if (symbol == null) {
        continue;
      }
      boolean resolved = t.hasNonNull("offset") && !t.hasNonNull("unresolvedReason");
      out.add(new ContainerProbe.Target(symbol, text(t, "file"), resolved, text(t, "unresolvedReason"),
          fileOffset(t, "offset"), fileOffset(t, "probeOffset"), shortText(t, "instruction", MAX_INSTRUCTION),
          cost(t), shortText(t, "site", MAX_SITE)));
    }
  }

  /**
   * A file offset: a non-negative integral JSON number, else null (older agents write none; a string, a
   * fraction or a negative number is not an offset and is dropped rather than guessed at).
   */
  private static Long fileOffset(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
      return null;
    }
    return v.asLong();
  }

  /** The cost class: absent is null (not analysed); a value this version does not know is UNKNOWN. */
  private static ProbeCostClass cost(JsonNode o) {
    JsonNode v = o.get("cost");
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isTextual() ? ProbeCostClass.parse(v.asText()) : ProbeCostClass.UNKNOWN;
  }

  /**
   * Text from the container's node that ends up in the WorkloadCapability and on users' terminals: control
   * characters become spaces (no terminal escapes), and it is cut to a length the field never needs.
   */
  private static String shortText(JsonNode o, String field, int max) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    v.asText().codePoints().limit(max + 1L)
        .forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    String s = b.toString().strip();
    if (s.codePointCount(0, s.length()) > max) {
      s = s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
    return s.isEmpty() ? null : s;
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Problem unreadable(String pod, String why) {
    return new Problem(Problem.UNREADABLE_PROBE_ANNOTATION, "Pod " + pod + " has an unreadable "
        + HybridMeshNames.PROBE_ANNOTATION + " annotation (" + why + "); the agent on its node writes it, so "
        + "check that agent's version and logs. The pod's containers count as not probed yet.");
  }
}
