package io.hybridmesh.api.annotation;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The pod annotation {@code hybridmesh.io/probe}: container name to that container's {@link ProbeEntry},
 * written by the agent on the pod's node, read by the controller. One definition, one reader
 * ({@link #parse}), one writer ({@link #toJson}).
 *
 * <p>JSON: {@code {"formatVersion": 1, "app": {...}, "sidecar": {...}}}. The version field cannot clash with a
 * container (container names are lowercase DNS labels). Without it a value is version 1: what agents wrote
 * before the field existed. A version newer than {@link #FORMAT_VERSION} is refused as such, not read as if
 * it were this one. Fields this version does not know are ignored (adding a field does not need a new
 * version; changing one's meaning or type does).
 */
public record ProbeAnnotation(SortedMap<String, ProbeEntry> containers) {

  /** The version this build writes, and the newest it reads. */
  public static final int FORMAT_VERSION = 1;
  public static final String VERSION_FIELD = "formatVersion";
  /** Kubernetes allows 256 KiB for all of an object's annotations together. */
  public static final int MAX_LENGTH = 256 * 1024;

  public static final ProbeAnnotation EMPTY = new ProbeAnnotation(new TreeMap<>());

  public ProbeAnnotation {
    for (Map.Entry<String, ProbeEntry> e : containers.entrySet()) {
      FieldRules.matching("container name", e.getKey(), FieldRules.CONTAINER_NAME,
          "a container name (a lowercase DNS label)");
      if (e.getValue() == null) {
        throw new IllegalArgumentException("container " + e.getKey() + " has no entry");
      }
    }
    containers = Collections.unmodifiableSortedMap(new TreeMap<>(containers));
  }

  public static ProbeAnnotation of(Map<String, ProbeEntry> containers) {
    return new ProbeAnnotation(new TreeMap<>(containers));
  }

  /**
   * Reads an annotation value. Absent or blank is an empty annotation (not probed yet); anything else that is
   * not this format, or is in a newer version of it, is refused with the reason.
   */
  public static Parsed<ProbeAnnotation> parse(String value) {
    return ProbeAnnotationJson.read(value);
  }

  /** The annotation value: compact JSON, the version first, containers sorted, so equal content is equal text. */
  public String toJson() {
    return ProbeAnnotationJson.write(this);
  }

  /** {@code hmesh probe --output json}: the entries as a JSON array, indented for a person. */
  public static String toJsonArray(List<ProbeEntry> entries) {
    return ProbeAnnotationJson.writeArray(entries);
  }
}
