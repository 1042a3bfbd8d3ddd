package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The chart rendered by the real Helm engine (helm-java bundles Helm as a native library), each object parsed
 * into fabric8's typed model. fabric8 keeps fields it does not know in {@code additionalProperties} instead
 * of failing, so parsing alone would let a misspelt field through: every object is walked and any unknown
 * field fails the render, named with its path.
 *
 * <p>helm-java's template returns the release's manifest without its hooks (the uninstall cleanup's objects).
 * So the chart is rendered from a copy whose templates name the hook annotations {@link #HOOK}... instead of
 * {@code helm.sh/hook}...: Helm then renders the hooks as ordinary objects, and every test sees them (their
 * RBAC counts like any other) with their hook annotations under that name.
 */
final class RenderedChart {

  static final Path CHART = Path.of("hybrid-mesh").toAbsolutePath();
  /** What {@code helm.sh/hook} is called in the rendered objects (and the weight and delete policy likewise). */
  static final String HOOK = "test.helm.sh/hook";
  private static Path withHooks;
  static final String RELEASE = "hmesh";
  static final String NAMESPACE = "hybrid-mesh";

  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  final String yaml;
  final List<HasMetadata> objects;

  private RenderedChart(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  /** Renders with the chart's own values.yaml only. */
  static RenderedChart defaults() {
    return render(null);
  }

  /**
   * Renders with a values file on top of values.yaml.
   *
   * @param valuesYaml the file's content, or null for none; Helm's own errors come out as exceptions
   */
  static RenderedChart render(String valuesYaml) {
    var template = new Helm(chartWithHooks()).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesYaml != null) {
      template.withValuesFile(writeTemp(valuesYaml));
    }
    String out = template.call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : DOCUMENT_SEPARATOR.split(out)) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      objects.add(parse(doc));
    }
    return new RenderedChart(out, List.copyOf(objects));
  }

  /** One object of the given type and name; fails when there is none or more than one. */
  <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> found = objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name)).toList();
    assertEquals(1, found.size(), () -> "expected one " + type.getSimpleName() + " " + name + " in\n" + yaml);
    return found.get(0);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static HasMetadata parse(String doc) {
    Object parsed;
    try {
      parsed = Serialization.unmarshal(doc);
    } catch (RuntimeException e) {
      throw new AssertionError("not a Kubernetes object: " + e.getMessage() + "\n" + doc, e);
    }
    if (!(parsed instanceof HasMetadata o) || parsed instanceof GenericKubernetesResource) {
      throw new AssertionError("fabric8 has no typed model for this object (a misspelt apiVersion or kind?):\n"
          + doc);
    }
    assertNotNull(o.getMetadata(), "no metadata:\n" + doc);
    assertNotNull(o.getMetadata().getName(), "no name:\n" + doc);
    List<String> unknown = new ArrayList<>();
    unknownFields(o, o.getKind(), unknown);
    if (!unknown.isEmpty()) {
      fail("fields the Kubernetes API does not know (misspelt?): " + unknown + "\n" + doc);
    }
    return o;
  }

  /** Collects the paths of fields that landed in some model object's additionalProperties. */
  private static void unknownFields(Object o, String path, List<String> out) {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object item : c) {
        unknownFields(item, path + "[" + i++ + "]", out);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> unknownFields(v, path + "[" + k + "]", out));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : o.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(o);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      if (field.equals("additionalProperties") && value instanceof Map<?, ?> extra) {
        extra.keySet().forEach(k -> out.add(path + "." + k));
      } else {
        unknownFields(value, path + "." + field, out);
      }
    }
  }

  /** A copy of the chart whose hook annotations Helm does not recognise, made once. */
  private static synchronized Path chartWithHooks() {
    if (withHooks != null) {
      return withHooks;
    }
    try {
      Path copy = Files.createTempDirectory("hmesh-chart-").resolve(CHART.getFileName());
      try (var files = Files.walk(CHART)) {
        for (Path f : files.toList()) {
          Path to = copy.resolve(CHART.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(to);
          } else if (f.toString().endsWith(".yaml") && f.startsWith(CHART.resolve("templates"))) {
            Files.writeString(to, Files.readString(f).replace("helm.sh/hook", HOOK));
          } else {
            Files.copy(f, to);
          }
        }
      }
      withHooks = copy;
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path writeTemp(String content) {
    try {
      Path file = Files.createTempFile("hmesh-values-", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
