package io.hybridmesh.xds.bootstrap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.Map;

/**
 * JSON to block-style YAML. Every string is written double-quoted in JSON's escaping, which YAML reads
 * the same way, so no value can turn into a YAML number, boolean or null by accident.
 */
final class JsonToYaml {

  private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  private JsonToYaml() {}

  static String convert(String json) {
    StringBuilder out = new StringBuilder();
    write(JsonParser.parseString(json), 0, out);
    return out.toString();
  }

  private static void write(JsonElement element, int indent, StringBuilder out) {
    if (element.isJsonObject()) {
      for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
        pad(out, indent).append(key(e.getKey())).append(':');
        value(e.getValue(), indent, out);
      }
    } else if (element.isJsonArray()) {
      for (JsonElement item : element.getAsJsonArray()) {
        pad(out, indent).append('-');
        if (item.isJsonObject() && !item.getAsJsonObject().isEmpty()) {
          StringBuilder nested = new StringBuilder();
          write(item, indent + 2, nested);
          out.append(' ').append(nested.substring(indent + 2));
        } else {
          value(item, indent, out);
        }
      }
    }
  }

  private static void value(JsonElement v, int indent, StringBuilder out) {
    if (v.isJsonObject() && !((JsonObject) v).isEmpty() || v.isJsonArray() && !((JsonArray) v).isEmpty()) {
      out.append('\n');
      write(v, indent + 2, out);
    } else if (v.isJsonObject()) {
      out.append(" {}\n");
    } else if (v.isJsonArray()) {
      out.append(" []\n");
    } else if (v.isJsonNull()) {
      out.append(" null\n");
    } else {
      JsonPrimitive p = v.getAsJsonPrimitive();
      out.append(' ').append(p.isString() ? p.toString() : p.getAsString()).append('\n');
    }
  }

  /** Plain keys stay plain; anything else ({@code @type}) is quoted, as YAML reserves leading indicators. */
  private static String key(String key) {
    return PLAIN_KEY.matcher(key).matches() ? key : new JsonPrimitive(key).toString();
  }

  private static StringBuilder pad(StringBuilder out, int indent) {
    return out.append(" ".repeat(indent));
  }
}
