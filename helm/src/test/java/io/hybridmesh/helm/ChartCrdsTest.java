package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's crds/ is a byte-for-byte copy of the repository's crds/ (generated from the model in api/;
 * CrdsUpToDateTest guards that side). Helm installs CRDs only from the chart, so a stale copy would install
 * an old schema. `make crds` regenerates both.
 */
class ChartCrdsTest {

  static final Path REPO_CRDS = Path.of("..", "crds");
  static final Path CHART_CRDS = Path.of("hybrid-mesh", "crds");

  @Test
  void chartCrdsAreTheGeneratedOnes() throws IOException {
    Map<String, String> repo = read(REPO_CRDS);
    Map<String, String> chart = read(CHART_CRDS);
    assertEquals(repo.keySet(), chart.keySet(), "helm/hybrid-mesh/crds/ must hold the same files as crds/; run "
        + "`make crds`");
    repo.forEach((name, content) -> assertEquals(content, chart.get(name), "helm/hybrid-mesh/crds/" + name
        + " differs from crds/" + name + "; never edit either by hand, run `make crds`"));
  }

  private static Map<String, String> read(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(f.getFileName().toString(), Files.readString(f));
      }
    }
    return out;
  }
}
