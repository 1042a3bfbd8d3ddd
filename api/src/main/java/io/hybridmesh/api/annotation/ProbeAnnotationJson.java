package io.hybridmesh.api.annotation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hybridmesh.api.annotation.JsonFields.Malformed;
import io.hybridmesh.api.annotation.Parsed.Refusal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of {@link ProbeAnnotation}, both ways. Jackson, because api already carries it (the CRD model is
 * Jackson-bound); the tree is walked by hand so that every refusal names the field and what is wrong with it.
 */
final class ProbeAnnotationJson {

  /**
   * Strict: a duplicate key (which of the two would count?) or anything after the object is refused; nesting
   * is capped far above what the format needs, so a hostile value cannot run the parser deep.
   */
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
      .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ProbeAnnotationJson() {}

  static Parsed<ProbeAnnotation> read(String value) {
    if (value == null || value.isBlank()) {
      return Parsed.of(ProbeAnnotation.EMPTY);
    }
    if (value.length() > ProbeAnnotation.MAX_LENGTH) {
      return Parsed.refused(Refusal.MALFORMED, "it is " + value.length() + " characters long, over the "
          + ProbeAnnotation.MAX_LENGTH + " Kubernetes allows for all annotations together");
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return Parsed.refused(Refusal.MALFORMED, "it is not valid JSON (" + firstLine(e.getOriginalMessage()) + ")");
    }
    if (root == null || !root.isObject()) {
      return Parsed.refused(Refusal.MALFORMED, "it is " + JsonFields.kind(root)
          + ", not a JSON object from container name to probe result");
    }
    try {
      int version = version(root.get(ProbeAnnotation.VERSION_FIELD));
      if (version > ProbeAnnotation.FORMAT_VERSION) {
        return Parsed.refused(Refusal.UNSUPPORTED_VERSION, "it is in format version " + version + ", and this "
            + "build reads versions up to " + ProbeAnnotation.FORMAT_VERSION);
      }
      Map<String, ProbeEntry> containers = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (!f.getKey().equals(ProbeAnnotation.VERSION_FIELD)) {
          String name = JsonFields.build("container '" + FieldRules.shown(f.getKey()) + "'", () ->
              FieldRules.matching("its name", f.getKey(), FieldRules.CONTAINER_NAME, "a container name"));
          containers.put(name, entry(f.getValue(), name));
        }
      }
      return Parsed.of(new ProbeAnnotation(new TreeMap<>(containers)));
    } catch (Malformed e) {
      return Parsed.refused(Refusal.MALFORMED, e.getMessage());
    }
  }

  /** Absent is version 1 (values written before the field existed); else a whole number from 1. */
  private static int version(JsonNode v) {
    if (v == null) {
      return 1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
      throw new Malformed(ProbeAnnotation.VERSION_FIELD + " is " + JsonFields.kind(v)
          + ", not a format version (a whole number from 1)");
    }
    return v.intValue();
  }

  private static ProbeEntry entry(JsonNode node, String path) {
    JsonFields o = new JsonFields(node, path);
    return o.build(() -> new ProbeEntry(o.text("path"), o.text("error"), o.text("library"),
        o.text("libraryVersion"), o.text("linkage"), o.text("verdict"), o.text("l7Visibility"),
        o.array("uprobeTargets", ProbeAnnotationJson::target), o.text("goVersion"), o.bool("goBoringCrypto"),
        o.bool("stripped"), o.text("buildId"), o.array("libraries", ProbeAnnotationJson::library),
        o.array("reasons", ProbeAnnotationJson::reason), o.text("goFunctionsFrom"), o.text("goStructOffsets")));
  }

  private static UprobeTargetEntry target(JsonNode node, String path) {
    JsonFields o = new JsonFields(node, path);
    return o.build(() -> new UprobeTargetEntry(o.text("symbol"), o.text("file"), o.nonNegativeLong("offset"),
        o.nonNegativeLong("probeOffset"), o.text("instruction"), o.text("cost"), o.text("site"),
        o.text("unresolvedReason")));
  }

  private static LibraryEntry library(JsonNode node, String path) {
    JsonFields o = new JsonFields(node, path);
    return o.build(() -> new LibraryEntry(o.text("library"), o.text("file"), o.text("linkage"), o.integer("depth"),
        o.text("version"), o.array("uprobeTargets", ProbeAnnotationJson::target)));
  }

  private static ProbeReasonEntry reason(JsonNode node, String path) {
    JsonFields o = new JsonFields(node, path);
    return o.build(() -> new ProbeReasonEntry(o.text("code"), o.text("message")));
  }

  static String write(ProbeAnnotation a) {
    ObjectNode root = JSON.createObjectNode();
    root.put(ProbeAnnotation.VERSION_FIELD, ProbeAnnotation.FORMAT_VERSION);
    a.containers().forEach((name, e) -> root.set(name, entry(e)));
    return serialize(root, false);
  }

  static String writeArray(List<ProbeEntry> entries) {
    ArrayNode all = JSON.createArrayNode();
    entries.forEach(e -> all.add(entry(e)));
    return serialize(all, true);
  }

  private static String serialize(JsonNode tree, boolean indented) {
    try {
      return indented ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) : JSON.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serializes", e);
    }
  }

  private static ObjectNode entry(ProbeEntry e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("path", e.path());
    putIfSet(o, "error", e.error());
    putIfSet(o, "library", e.library());
    putIfSet(o, "libraryVersion", e.libraryVersion());
    putIfSet(o, "linkage", e.linkage());
    putIfSet(o, "verdict", e.verdict());
    putIfSet(o, "l7Visibility", e.l7Visibility());
    targets(o.putArray("uprobeTargets"), e.uprobeTargets());
    putIfSet(o, "goVersion", e.goVersion());
    if (e.goBoringCrypto() != null) {
      o.put("goBoringCrypto", e.goBoringCrypto());
    }
    putIfSet(o, "goFunctionsFrom", e.goFunctionsFrom());
    putIfSet(o, "goStructOffsets", e.goStructOffsets());
    if (e.stripped() != null) {
      o.put("stripped", e.stripped());
    }
    putIfSet(o, "buildId", e.buildId());
    ArrayNode libraries = o.putArray("libraries");
    for (LibraryEntry l : e.libraries()) {
      ObjectNode j = libraries.addObject();
      putIfSet(j, "library", l.library());
      putIfSet(j, "file", l.file());
      putIfSet(j, "linkage", l.linkage());
      if (l.depth() != null) {
        j.put("depth", l.depth());
      }
      putIfSet(j, "version", l.version());
      targets(j.putArray("uprobeTargets"), l.uprobeTargets());
    }
    ArrayNode reasons = o.putArray("reasons");
    e.reasons().forEach(r -> putIfSet(reasons.addObject().put("code", r.code()), "message", r.message()));
    return o;
  }

  private static void targets(ArrayNode out, List<UprobeTargetEntry> targets) {
    for (UprobeTargetEntry t : targets) {
      ObjectNode j = out.addObject();
      j.put("symbol", t.symbol());
      putIfSet(j, "file", t.file());
      if (t.resolved()) {
        j.put("offset", t.offset());
        if (t.probeOffset() != null) {
          j.put("probeOffset", t.probeOffset());
        }
        putIfSet(j, "instruction", t.instruction());
        putIfSet(j, "cost", t.cost());
        putIfSet(j, "site", t.site());
      } else {
        j.put("unresolvedReason", t.unresolvedReason());
      }
    }
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private static String firstLine(String s) {
    String line = s == null ? "" : s.lines().findFirst().orElse("");
    return FieldRules.shown(line);
  }
}
