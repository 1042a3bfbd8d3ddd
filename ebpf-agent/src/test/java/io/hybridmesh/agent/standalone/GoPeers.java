package io.hybridmesh.agent.standalone;

import io.hybridmesh.agent.probe.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Go programs of the Go TLS kernel tests (src/test/resources/go-tls-peers), built at test time with the
 * machine's Go toolchain into target/go-tls-peers, once per JVM and variant. A missing Go toolchain is a
 * missing requirement (Fixtures.go): skipped, or failed in CI.
 */
final class GoPeers {

  /** How a program is built: what a user might ship. */
  enum Build {
    PLAIN(Map.of()),
    STRIPPED(Map.of(), "-ldflags=-s -w"),
    PIE(Map.of(), "-buildmode=pie", "-ldflags=-s -w"),
    BORING(Map.of("GOEXPERIMENT", "boringcrypto", "CGO_ENABLED", "1"), "-ldflags=-s -w"),
    /** With cgo, linking the system's libssl (the cgo_openssl program only). */
    CGO(Map.of("CGO_ENABLED", "1"));

    final Map<String, String> env;
    final String[] flags;

    Build(Map<String, String> env, String... flags) {
      this.env = env;
      this.flags = flags;
    }
  }

  private static final Path DIR = Path.of(System.getProperty("user.dir"), "target", "go-tls-peers");
  private static final Map<String, Path> BUILT = new HashMap<>();

  private GoPeers() {}

  /** The HTTPS server: {@code server ADDR CERT KEY}. */
  static Path server(Build build) throws Exception {
    return build("server", build);
  }

  /** The HTTPS client: {@code client [-h2] URL WORKERS REQUESTS}, after a line on stdin. */
  static Path client(Build build) throws Exception {
    return build("client", build);
  }

  /** A Go program that does TLS through crypto/tls and through OpenSSL via cgo: {@code cgo_openssl HOST:PORT}. */
  static Path cgoOpenSsl() throws Exception {
    return build("cgo_openssl", Build.CGO);
  }

  private static synchronized Path build(String program, Build build) throws Exception {
    String name = program + "-" + build.name().toLowerCase();
    Path p = BUILT.get(name);
    if (p == null) {
      Files.createDirectories(DIR);
      p = Fixtures.go(DIR, name, source(program), build.env, build.flags);
      BUILT.put(name, p);
    }
    return p;
  }

  private static String source(String program) throws IOException {
    try (InputStream in = GoPeers.class.getResourceAsStream("/go-tls-peers/" + program + ".go")) {
      if (in == null) {
        throw new IOException("no go-tls-peers/" + program + ".go on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The lines a client printed: one per request, "LOCALPORT STATUS PROTO". */
  static List<String[]> requests(String output) {
    return output.lines().filter(l -> l.matches("\\d+ \\d{3} HTTP/.*")).map(l -> l.split(" ")).toList();
  }
}
