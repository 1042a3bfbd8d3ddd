package io.hybridmesh.agent.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.agent.probe.binary.UprobeTargetJson;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pod annotation {@code hybridmesh.io/probe}: a JSON object from container name to that container's
 * probe result (one element of {@code hmesh probe --output json}). Pure: building, merging with what the
 * pod already carries, and deciding whether a write is needed.
 */
public final class ProbeAnnotations {

  private static final Gson GSON = new Gson();

  private ProbeAnnotations() {}

  /**
   * The annotation's new value: the entries the pod carries for containers it still has, replaced by the
   * fresh results. A container whose process is briefly gone (restarting) keeps its entry, so the
   * annotation does not flap; one removed from the pod loses it. Keys sorted, so equal content is equal text.
   */
  public static String merge(String current, Set<String> podContainers, Map<String, JsonObject> fresh) {
    Map<String, JsonElement> out = new TreeMap<>();
    JsonObject old = parse(current);
    if (old != null) {
      old.entrySet().stream().filter(e -> podContainers.contains(e.getKey()) && e.getValue().isJsonObject())
          .forEach(e -> out.put(e.getKey(), e.getValue()));
    }
    out.putAll(fresh);
    JsonObject o = new JsonObject();
    out.forEach(o::add);
    return GSON.toJson(o);
  }

  /** Whether {@code desired} says something {@code current} does not (JSON equality, not text). */
  public static boolean needsWrite(String current, String desired) {
    JsonObject c = parse(current);
    JsonObject d = parse(desired);
    return d != null && !d.entrySet().isEmpty() && !d.equals(c);
  }

  /** The merge patch that sets the annotation and nothing else. */
  public static String mergePatch(String value) {
    JsonObject annotations = new JsonObject();
    annotations.addProperty(HybridMeshNames.PROBE_ANNOTATION, value);
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    return GSON.toJson(patch);
  }

  /**
   * Adds the custom targets of {@code hybridmesh.io/tls-probe} to a container's entry, as {@code
   * uprobeTargets} elements whose {@code file} is the annotation's path (what the controller looks for).
   */
  public static JsonObject withCustomTargets(JsonObject entry, List<UprobeTarget> custom) {
    if (custom.isEmpty()) {
      return entry;
    }
    JsonObject out = entry.deepCopy();
    JsonArray targets = out.has("uprobeTargets") && out.get("uprobeTargets").isJsonArray()
        ? out.getAsJsonArray("uprobeTargets") : new JsonArray();
    for (UprobeTarget t : custom) {
      targets.add(UprobeTargetJson.of(t));
    }
    out.add("uprobeTargets", targets);
    return out;
  }

  /** The annotation as an object, or null when absent or not a JSON object (then it is rewritten). */
  static JsonObject parse(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      JsonElement e = JsonParser.parseString(value);
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (JsonParseException | IllegalStateException e) {
      return null;
    }
  }
}
