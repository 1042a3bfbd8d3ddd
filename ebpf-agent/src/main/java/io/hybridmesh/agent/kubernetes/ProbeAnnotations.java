package io.hybridmesh.agent.kubernetes;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.hybridmesh.api.annotation.Parsed;
import io.hybridmesh.api.annotation.ProbeAnnotation;
import io.hybridmesh.api.annotation.ProbeEntry;
import io.hybridmesh.api.v1alpha1.HybridMeshNames;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The agent's side of the pod annotation {@code hybridmesh.io/probe} (defined, read and written by
 * {@link ProbeAnnotation}). Pure: merging fresh results with what the pod carries, and deciding whether a
 * write is needed.
 */
public final class ProbeAnnotations {

  private static final Gson GSON = new Gson();

  private ProbeAnnotations() {}

  /**
   * The annotation's new value: the entries the pod carries for containers it still has, replaced by the
   * fresh results. A container whose process is briefly gone (restarting) keeps its entry, so the annotation
   * does not flap; one removed from the pod loses it. A value this agent cannot read (broken, or written in a
   * newer format by a newer agent before a downgrade) keeps nothing: this node's agent is its only writer,
   * and what it writes is the format it knows.
   */
  public static ProbeAnnotation merge(String current, Set<String> podContainers, Map<String, ProbeEntry> fresh) {
    Map<String, ProbeEntry> out = new TreeMap<>();
    ProbeAnnotation.parse(current).value().ifPresent(old -> old.containers().forEach((name, entry) -> {
      if (podContainers.contains(name)) {
        out.put(name, entry);
      }
    }));
    out.putAll(fresh);
    return ProbeAnnotation.of(out);
  }

  /** Whether {@code desired} says something {@code current} does not (typed equality, not text). */
  public static boolean needsWrite(String current, ProbeAnnotation desired) {
    if (desired.containers().isEmpty()) {
      return false;
    }
    Parsed<ProbeAnnotation> now = ProbeAnnotation.parse(current);
    return !now.ok() || !now.value().orElseThrow().equals(desired);
  }

  /** The merge patch that sets the annotation and nothing else. */
  public static String mergePatch(ProbeAnnotation value) {
    JsonObject annotations = new JsonObject();
    annotations.addProperty(HybridMeshNames.PROBE_ANNOTATION, value.toJson());
    JsonObject metadata = new JsonObject();
    metadata.add("annotations", annotations);
    JsonObject patch = new JsonObject();
    patch.add("metadata", metadata);
    return GSON.toJson(patch);
  }
}
