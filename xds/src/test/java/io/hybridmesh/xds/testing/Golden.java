package io.hybridmesh.xds.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden files under {@code src/test/resources/golden}. To regenerate after an intended change, run the
 * tests with {@code -Dhmesh.updateGolden=true}, e.g.
 * {@code mvn -B -o -q -pl xds -am test -Dtest='*Golden*' -Dsurefire.failIfNoSpecifiedTests=false
 * -Dhmesh.updateGolden=true}, then review the diff with git.
 */
public final class Golden {

  private Golden() {}

  public static void assertMatches(String name, String actual) throws IOException {
    Path file = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "golden", name);
    if (Boolean.getBoolean("hmesh.updateGolden")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(file)) {
      throw new AssertionError("no golden file " + file + "; create it with -Dhmesh.updateGolden=true");
    }
    assertEquals(Files.readString(file, StandardCharsets.UTF_8), actual,
        "differs from " + file + " (regenerate with -Dhmesh.updateGolden=true if the change is intended)");
  }
}
