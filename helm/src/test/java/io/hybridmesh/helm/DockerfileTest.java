package io.hybridmesh.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs on the development machines, so the image recipe is checked as text: the base the
 * native library was built for, the libraries it loads, the jar the build makes, and the entrypoint the chart's
 * args are written against ("controller ...", "agent ...").
 */
class DockerfileTest {

  static final Path ROOT = Path.of("..");

  private static List<String> instructions() throws IOException {
    // Continuation lines joined, comments dropped: one entry per instruction.
    String joined = Files.readString(ROOT.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
    return joined.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static List<String> starting(String keyword) throws IOException {
    return instructions().stream().filter(l -> l.startsWith(keyword + " ")).toList();
  }

  @Test
  void baseIsDebianBookwormAsTheNativeLibraryWasBuiltFor() throws IOException {
    List<String> from = starting("FROM");
    assertEquals(1, from.size(), "one stage: the image packages a jar built outside it");
    assertTrue(from.get(0).matches("FROM debian:bookworm(-slim)?(@sha256:[0-9a-f]{64})?"), from.get(0));
  }

  @Test
  void installsAJre17AndTheLibrariesTheJniLibraryLoads() throws IOException {
    String run = String.join(" ", starting("RUN"));
    Set<String> words = Arrays.stream(run.split("\\s+")).collect(Collectors.toSet());
    for (String pkg : List.of("openjdk-17-jre-headless", "libbpf1", "libelf1", "zlib1g")) {
      assertTrue(words.contains(pkg), "the image must install " + pkg + ": " + run);
    }
    assertTrue(run.contains("--no-install-recommends") && run.contains("rm -rf /var/lib/apt/lists"),
        "keep the image small: " + run);
  }

  @Test
  void copiesTheShadedJarAndRunsIt() throws IOException {
    assertEquals(List.of("COPY cli/target/hmesh.jar /opt/hmesh/hmesh.jar"), starting("COPY"));
    assertEquals(List.of("ENTRYPOINT [\"java\", \"-jar\", \"/opt/hmesh/hmesh.jar\"]"), starting("ENTRYPOINT"));
    assertTrue(Files.readString(ROOT.resolve("cli/pom.xml")).contains("<finalName>hmesh</finalName>"),
        "the shaded jar is no longer cli/target/hmesh.jar");
  }

  @Test
  void buildContextIsOnlyTheJar() throws IOException {
    List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals(List.of("*", "!cli/target/hmesh.jar"), ignore);
  }
}
