package io.hybridmesh.api.annotation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Typed reads from one JSON object, each failure naming where it is ({@code app.uprobeTargets[0].offset}).
 * Absent and null are the same; a value of the wrong type is refused, never coerced.
 */
final class JsonFields {

  /** Bad input at a place in the document; caught by the parser and returned as a refusal. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  private final JsonNode node;
  private final String path;

  JsonFields(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new Malformed(path + " is " + kind(node) + ", not a JSON object");
    }
    this.node = node;
    this.path = path;
  }

  String text(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw wrongType(field, v, "a string");
    }
    return v.textValue();
  }

  Long nonNegativeLong(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw wrongType(field, v, "an integer (a file offset)");
    }
    if (v.longValue() < 0) {
      throw new Malformed(path + "." + field + " is " + v.longValue() + ", and a file offset is never negative");
    }
    return v.longValue();
  }

  Integer integer(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw wrongType(field, v, "a small integer");
    }
    return v.intValue();
  }

  Boolean bool(String field) {
    JsonNode v = value(field);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw wrongType(field, v, "true or false");
    }
    return v.booleanValue();
  }

  <T> List<T> array(String field, BiFunction<JsonNode, String, T> element) {
    JsonNode v = value(field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw wrongType(field, v, "an array");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(element.apply(v.get(i), path + "." + field + "[" + i + "]"));
    }
    return out;
  }

  /** Builds a typed value, its rule violations reported at this object's place. */
  <T> T build(Supplier<T> constructor) {
    return build(path, constructor);
  }

  static <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw new Malformed(path + ": " + e.getMessage());
    }
  }

  private JsonNode value(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  private Malformed wrongType(String field, JsonNode v, String expected) {
    return new Malformed(path + "." + field + " is " + kind(v) + ", not " + expected);
  }

  static String kind(JsonNode v) {
    if (v == null) {
      return "missing";
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isTextual()) {
      return "the string '" + FieldRules.shown(v.textValue()) + "'";
    }
    if (v.isNumber() || v.isBoolean()) {
      return FieldRules.shown(v.asText());
    }
    return v.isArray() ? "an array" : v.isObject() ? "an object" : v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
