package io.hybridmesh.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The demo's three workloads, each a real program in its own network namespace:
 * <ul>
 *   <li>{@code backend}: nginx, HTTPS and HTTP, dynamic OpenSSL;
 *   <li>{@code frontend}: a Python client calling backend and payments, OpenSSL loaded with dlopen;
 *   <li>{@code payments}: an HTTPS server on the JDK's own TLS (JSSE), which no uprobe can read.
 * </ul>
 * Certificates are made fresh for each run; the frontend verifies both servers against them.
 */
final class DemoWorkloads implements AutoCloseable {

  static final String FRONTEND = "frontend";
  static final String BACKEND = "backend";
  static final String PAYMENTS = "payments";
  static final Map<String, String> ADDRESSES = addresses();
  /** The port each server workload serves on (what a sidecar in front of it captures). */
  static final Map<String, Integer> SERVING_PORTS = Map.of(BACKEND, 8443, PAYMENTS, 9443);

  private static final String KEYSTORE_PASSWORD = "demo-only";

  private final Path dir;
  private final Map<String, Process> processes = new LinkedHashMap<>();

  DemoWorkloads(Path dir) {
    this.dir = dir;
  }

  private static Map<String, String> addresses() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FRONTEND, DemoNetwork.SUBNET_PREFIX + "10");
    m.put(BACKEND, DemoNetwork.SUBNET_PREFIX + "20");
    m.put(PAYMENTS, DemoNetwork.SUBNET_PREFIX + "30");
    return m;
  }

  /** Starts the servers, waits until they listen, then starts the client. */
  void start(double secondsBetweenRounds) {
    startBackend();
    startPayments();
    awaitListening(BACKEND, 8443);
    awaitListening(PAYMENTS, 9443);
    String python = System.getenv().getOrDefault("HMESH_DEMO_PYTHON", "python3");
    Path script = resource("frontend.py", dir.resolve(FRONTEND));
    start(FRONTEND, List.of(python, "-u", script.toString(), ADDRESSES.get(BACKEND),
        dir.resolve(BACKEND + "/cert.pem").toString(), ADDRESSES.get(PAYMENTS),
        dir.resolve(PAYMENTS + "/cert.pem").toString(), Double.toString(secondsBetweenRounds)));
    awaitMapped(FRONTEND, "libssl");
  }

  private void startBackend() {
    Path home = dir.resolve(BACKEND);
    certificate(BACKEND, home);
    String conf = read("backend-nginx.conf").replace("@DIR@", dir.toString())
        .replace("@ADDRESS@", ADDRESSES.get(BACKEND));
    write(home.resolve("nginx.conf"), conf);
    start(BACKEND, List.of("nginx", "-c", home.resolve("nginx.conf").toString(), "-e",
        home.resolve("error.log").toString()));
  }

  private void startPayments() {
    Path home = dir.resolve(PAYMENTS);
    certificate(PAYMENTS, home);
    Run.check("openssl", "pkcs12", "-export", "-in", home.resolve("cert.pem").toString(), "-inkey",
        home.resolve("key.pem").toString(), "-name", PAYMENTS, "-out", home.resolve("keys.p12").toString(),
        "-passout", "pass:" + KEYSTORE_PASSWORD);
    Path source = resource("Payments.java", home);
    String java = ProcessHandle.current().info().command().orElse("java");
    start(PAYMENTS, List.of(java, "-Xmx48m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", source.toString(),
        ADDRESSES.get(PAYMENTS), "9443", home.resolve("keys.p12").toString(), KEYSTORE_PASSWORD));
  }

  /** A self-signed certificate for the workload's address, which its clients trust directly. */
  private void certificate(String workload, Path home) {
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new DemoException("cannot create " + home + ": " + e.getMessage());
    }
    Run.check("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-days", "2", "-subj", "/CN=" + workload + ".demo", "-addext",
        "subjectAltName=IP:" + ADDRESSES.get(workload) + ",DNS:" + workload + ".demo",
        "-keyout", home.resolve("key.pem").toString(), "-out", home.resolve("cert.pem").toString());
  }

  private void start(String workload, List<String> command) {
    Path home = dir.resolve(workload);
    processes.put(workload, Run.inNamespace(DemoNetwork.netns(workload), home.resolve("output.log"), command));
  }

  /** The workload's process id. */
  long pid(String workload) {
    return processes.get(workload).pid();
  }

  /** Waits until the workload listens on the port, as its own network namespace sees it. */
  private void awaitListening(String workload, int port) {
    String hexPort = String.format(":%04X ", port);
    Path net = Path.of("/proc", Long.toString(pid(workload)), "net");
    await(workload, "listening on port " + port, () -> Stream.of("tcp", "tcp6").anyMatch(table -> {
      try {
        // State 0A is LISTEN. A JVM listens on an IPv6 socket even for an IPv4 address.
        return Files.readAllLines(net.resolve(table)).stream()
            .anyMatch(l -> l.contains(hexPort) && l.contains(" 0A "));
      } catch (IOException e) {
        return false;
      }
    }));
  }

  /** Waits until a library whose name contains {@code library} is mapped in the workload's process. */
  private void awaitMapped(String workload, String library) {
    Path maps = Path.of("/proc", Long.toString(pid(workload)), "maps");
    await(workload, "loading " + library, () -> {
      try {
        return Files.readString(maps).contains(library);
      } catch (IOException e) {
        return false;
      }
    });
  }

  private void await(String workload, String what, java.util.function.BooleanSupplier done) {
    Process p = processes.get(workload);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!done.getAsBoolean()) {
      if (!p.isAlive()) {
        throw new DemoException(workload + " stopped before " + what + " (exit " + p.exitValue() + "): "
            + tail(dir.resolve(workload + "/output.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new DemoException(workload + " did not get to " + what + " within 30s: "
            + tail(dir.resolve(workload + "/output.log")));
      }
      sleep(100);
    }
  }

  /** Stops every workload process, children included; returns the ones that would not stop. */
  @Override
  public void close() {
    List<Process> running = new ArrayList<>(processes.values());
    running.forEach(p -> {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    });
    for (Process p : running) {
      try {
        if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  /** Copies a resource of the demo into the folder and returns its path. */
  private static Path resource(String name, Path folder) {
    Path to = folder.resolve(name);
    write(to, read(name));
    return to;
  }

  private static String read(String name) {
    try (InputStream in = DemoWorkloads.class.getResourceAsStream("/demo/" + name)) {
      if (in == null) {
        throw new DemoException("the jar lacks /demo/" + name + "; rebuild it (make build)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DemoException("cannot read /demo/" + name + " from the jar: " + e.getMessage());
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new DemoException("cannot write " + file + ": " + e.getMessage());
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no output)";
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException("interrupted");
    }
  }

  Optional<Process> process(String workload) {
    return Optional.ofNullable(processes.get(workload));
  }
}
