package io.hybridmesh.agent.probe;

import io.hybridmesh.jni.testing.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds real test binaries with the system toolchains (gcc, strip, go) into a directory. A missing
 * toolchain is a missing {@link Requirements requirement} (skipped, or failed in CI);
 * scripts/install-deps.sh installs them.
 */
public final class Fixtures {

  public static final String SSL_CLIENT_C = """
      #include <openssl/ssl.h>
      #include <stdio.h>
      #include <unistd.h>
      int main(int argc, char **argv) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        SSL *ssl = SSL_new(ctx);
        if (argc > 5) { char b[16]; SSL_write(ssl, "x", 1); SSL_read(ssl, b, sizeof b); }
        printf("%p\\n", (void *) ssl);
        fflush(stdout);
        if (argc == 2) sleep(60);
        return 0;
      }
      """;

  public static final String DLOPEN_C = """
      #include <dlfcn.h>
      #include <stdio.h>
      #include <unistd.h>
      int main(int argc, char **argv) {
        void *h = dlopen("libssl.so.3", RTLD_NOW);
        if (!h) { fprintf(stderr, "%s\\n", dlerror()); return 1; }
        printf("loaded\\n"); fflush(stdout);
        if (argc > 1) sleep(60);
        return 0;
      }
      """;

  public static final String GO_TLS = """
      package main

      import (
      \t"crypto/tls"
      \t"fmt"
      \t"os"
      )

      func main() {
      \tif len(os.Args) > 5 {
      \t\tc, err := tls.Dial("tcp", os.Args[1], &tls.Config{})
      \t\tif err == nil {
      \t\t\tc.Write([]byte("x"))
      \t\t\tb := make([]byte, 1)
      \t\t\tc.Read(b)
      \t\t}
      \t}
      \tfmt.Println("ok")
      }
      """;

  public static final String GO_PLAIN = """
      package main

      import "fmt"

      func main() { fmt.Println("hello") }
      """;

  private Fixtures() {}

  /** gcc {@code source} → {@code dir/name} with extra arguments (libraries go after the source). */
  public static Path gcc(Path dir, String name, String source, String... libs) throws Exception {
    Requirements.requireTool("gcc");
    Path src = dir.resolve(name + ".c");
    Files.writeString(src, source);
    Path out = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("gcc", "-O1", "-o", out.toString(), src.toString()));
    cmd.addAll(List.of(libs));
    run(dir, Map.of(), cmd);
    return out;
  }

  public static Path strip(Path in, Path out) throws Exception {
    Requirements.requireTool("strip");
    run(in.getParent(), Map.of(), List.of("strip", "-o", out.toString(), in.toString()));
    return out;
  }

  /** go build in its own module dir, offline, with a private GOCACHE/HOME. */
  public static Path go(Path dir, String name, String source, Map<String, String> env, String... flags)
      throws Exception {
    Requirements.requireTool("go");
    Path mod = dir.resolve("src-" + name);
    Files.createDirectories(mod);
    Files.writeString(mod.resolve("main.go"), source);
    Files.writeString(mod.resolve("go.mod"), "module example.com/" + name + "\n\ngo 1.19\n");
    Path out = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of("go", "build", "-o", out.toString()));
    cmd.addAll(List.of(flags));
    cmd.add(".");
    Map<String, String> e = new java.util.HashMap<>(Map.of("GOCACHE", dir.resolve("gocache").toString(),
        "HOME", dir.toString(), "GOPATH", dir.resolve("gopath").toString(), "GOFLAGS", "-mod=mod",
        "GOPROXY", "off", "GOTOOLCHAIN", "local"));
    e.putAll(env);
    run(mod, e, cmd);
    return out;
  }

  public static String run(Path dir, Map<String, String> env, List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + cmd);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + text);
    }
    return text;
  }
}
