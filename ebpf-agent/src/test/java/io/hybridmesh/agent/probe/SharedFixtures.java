package io.hybridmesh.agent.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Fixture binaries built once per test JVM (gcc and go builds take seconds) into one temporary directory,
 * removed when the JVM exits. Each getter builds on first use.
 */
public final class SharedFixtures {

  private static SharedFixtures instance;
  private final Path dir;
  private final Map<String, Path> built = new HashMap<>();

  private SharedFixtures(Path dir) {
    this.dir = dir;
  }

  public static synchronized SharedFixtures get() throws IOException {
    if (instance == null) {
      Path d = Files.createTempDirectory("hmesh-probe-fixtures");
      instance = new SharedFixtures(d);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d)));
    }
    return instance;
  }

  private static void delete(Path d) {
    try (Stream<Path> s = Files.walk(d)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir
    }
  }

  public Path dir() {
    return dir;
  }

  private interface Build {
    Path build() throws Exception;
  }

  private synchronized Path once(String name, Build b) throws Exception {
    Path p = built.get(name);
    if (p == null) {
      p = b.build();
      built.put(name, p);
    }
    return p;
  }

  public Path opensslDynamic() throws Exception {
    return once("ssl-dyn", () -> Fixtures.gcc(dir, "ssl-dyn", Fixtures.SSL_CLIENT_C, "-lssl", "-lcrypto"));
  }

  public Path opensslStatic() throws Exception {
    return once("ssl-static", () -> Fixtures.gcc(dir, "ssl-static", Fixtures.SSL_CLIENT_C, "-static", "-lssl",
        "-lcrypto", "-ldl", "-lpthread"));
  }

  public Path opensslStaticStripped() throws Exception {
    return once("ssl-static-stripped", () -> Fixtures.strip(opensslStatic(), dir.resolve("ssl-static-stripped")));
  }

  public Path dlopenSsl() throws Exception {
    return once("dlopen", () -> Fixtures.gcc(dir, "dlopen", Fixtures.DLOPEN_C, "-ldl"));
  }

  public Path goTls() throws Exception {
    return once("go-tls", () -> Fixtures.go(dir, "go-tls", Fixtures.GO_TLS, Map.of()));
  }

  public Path goTlsStripped() throws Exception {
    return once("go-tls-stripped", () -> Fixtures.go(dir, "go-tls-stripped", Fixtures.GO_TLS, Map.of(),
        "-ldflags=-s -w"));
  }

  public Path goTlsPie() throws Exception {
    return once("go-tls-pie", () -> Fixtures.go(dir, "go-tls-pie", Fixtures.GO_TLS, Map.of(), "-buildmode=pie",
        "-ldflags=-s -w"));
  }

  public Path goBoring() throws Exception {
    return once("go-boring", () -> Fixtures.go(dir, "go-boring", Fixtures.GO_TLS,
        Map.of("GOEXPERIMENT", "boringcrypto", "CGO_ENABLED", "1")));
  }

  public Path goPlain() throws Exception {
    return once("go-plain", () -> Fixtures.go(dir, "go-plain", Fixtures.GO_PLAIN, Map.of()));
  }
}
