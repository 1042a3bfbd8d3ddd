package io.hybridmesh.jni.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** A missing requirement skips with its reason, or fails with it when CI forbids skipping. */
class RequirementsTest {

  @Test
  void aMetRequirementNeitherSkipsNorFails() {
    assertDoesNotThrow(() -> Requirements.require(true, "unused", true));
    assertDoesNotThrow(() -> Requirements.require(true, "unused", false));
  }

  @Test
  void aMissingRequirementSkipsWithItsReason() {
    TestAbortedException e = assertThrows(TestAbortedException.class,
        () -> Requirements.require(false, "needs a writable cgroup v2 mount", false));
    assertTrue(e.getMessage().contains("needs a writable cgroup v2 mount"), e.getMessage());
  }

  @Test
  void aMissingRequirementFailsWithItsReasonWhenSkippingIsForbidden() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class,
        () -> Requirements.require(false, "gcc is not installed", true));
    assertTrue(e.getMessage().contains("gcc is not installed"), e.getMessage());
    assertTrue(e.getMessage().contains("-Dhmesh.requireKernel=true"), "says why it is not a skip: " + e.getMessage());
  }

  @Test
  void toolsAreLookedUpOnThePath() {
    assertTrue(Requirements.onPath("sh"), "every Linux machine has sh");
    assertFalse(Requirements.onPath("hmesh-no-such-tool"));
  }

  /**
   * JUnit's other ways to skip (assumptions, conditions, {@code @Disabled}) bypass the CI rule, so no test
   * in any module uses them: this helper is the only way.
   */
  @Test
  void noTestInAnyModuleSkipsAnyOtherWay() throws IOException {
    Path repository = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
    assertTrue(Files.readString(repository.resolve("pom.xml")).contains("<module>jni</module>"),
        "the repository is jni's parent: " + repository);
    Pattern otherWays = Pattern.compile("\\b(Assumptions|assumeTrue|assumeFalse|assumingThat|Assume)\\b"
        + "|@(Disabled|EnabledIf|DisabledIf|EnabledOn|DisabledOn|EnabledFor|DisabledFor)\\w*");
    Path self = Path.of("io", "hybridmesh", "jni", "testing");
    List<String> offenders;
    try (Stream<Path> modules = Files.list(repository)) {
      offenders = modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory)
          .flatMap(RequirementsTest::javaFiles)
          .filter(f -> !f.getParent().endsWith(self))
          .filter(f -> otherWays.matcher(read(f)).find())
          .map(f -> repository.relativize(f).toString()).toList();
    }
    assertEquals(List.of(), offenders, "skip through Requirements.require, never JUnit's assumptions or conditions");
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
