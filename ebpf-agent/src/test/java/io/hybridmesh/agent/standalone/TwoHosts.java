package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;

import io.hybridmesh.jni.testing.Shell;
import io.hybridmesh.jni.testing.TestNetns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair (IPv4 and IPv6), with helpers to run real servers in
 * the server namespace and real clients in the client namespace. Everything is removed on close, also
 * after a failed test.
 */
final class TwoHosts implements AutoCloseable {

  static final String CLIENT_V4 = "10.231.0.1";
  static final String SERVER_V4 = "10.231.0.2";
  static final String CLIENT_V6 = "fd31::1";
  static final String SERVER_V6 = "fd31::2";

  final TestNetns client;
  final TestNetns server;
  private final List<Process> processes = new ArrayList<>();
  private final Path dir;

  TwoHosts() throws IOException {
    this("hmc", "hms");
  }

  /**
   * Namespaces named {@code <prefix>-<random>}: a test class that may run beside others on the same machine
   * passes prefixes of its own, so that no two runs can pick the same names.
   */
  TwoHosts(String clientPrefix, String serverPrefix) throws IOException {
    dir = Files.createTempDirectory("hm-twohosts");
    client = TestNetns.create(clientPrefix);
    server = TestNetns.create(serverPrefix);
    try {
      TestNetns.vethPair(client, "eth0", CLIENT_V4 + "/24", server, "eth0", SERVER_V4 + "/24");
      client.exec("ip", "-6", "addr", "add", CLIENT_V6 + "/64", "dev", "eth0", "nodad");
      server.exec("ip", "-6", "addr", "add", SERVER_V6 + "/64", "dev", "eth0", "nodad");
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** nginx serving {@code /file} of {@code size} bytes on port 8080, IPv4 and IPv6. */
  void startNginx(int size) throws IOException {
    Files.write(Files.createDirectories(dir.resolve("www")).resolve("file"), new byte[size]);
    startNginx("", NginxConfigs.files(dir));
    awaitTcp(SERVER_V4, 8080);
  }

  /**
   * nginx with TLS on port 8443 (a self-signed certificate made here): {@code /ok} answers 200,
   * {@code /created} 201, anything else 404, whatever the method; keep-alive on.
   */
  void startTlsNginx() throws IOException {
    startTlsNginx(false);
  }

  /** As {@link #startTlsNginx()}, and with {@code http2} HTTP/2 offered by ALPN too (nginx 1.22 syntax). */
  void startTlsNginx(boolean http2) throws IOException {
    makeCertificate();
    Files.write(Files.createDirectories(dir.resolve("www")).resolve("big"), new byte[8 << 20]);
    startNginx("-tls", NginxConfigs.tls(dir, http2));
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        client.name(), "curl", "-sk", "-o", "/dev/null", "https://" + SERVER_V4 + ":8443/ok")).ok(),
        "TLS server on 8443");
  }

  /**
   * nginx in plaintext: HTTP/1.1 on port 8081 and HTTP/2 with prior knowledge (h2c) on 8082, keep-alive on;
   * {@code /ok} answers 200, {@code /created} 201, {@code /file} a file of {@code fileSize} bytes sent with
   * sendfile, anything else 404, whatever the method.
   */
  void startPlainNginx(int fileSize) throws IOException {
    Files.write(Files.createDirectories(dir.resolve("www-plain")).resolve("file"), new byte[fileSize]);
    startNginx("-plain", NginxConfigs.plain(dir));
    awaitTcp(SERVER_V4, 8081);
  }

  private void startNginx(String suffix, String conf) throws IOException {
    Path confFile = dir.resolve("nginx" + suffix + ".conf");
    Files.writeString(confFile, conf);
    start(server, "nginx", "-c", confFile.toString(), "-e", NginxConfigs.errorLog(dir, suffix).toString());
  }

  /**
   * A dual-stack HTTPS server in Python on port 8444: one socket on {@code ::} with IPV6_V6ONLY off, so
   * IPv4 clients reach it and its socket sees them as IPv4-mapped IPv6 ({@code ::ffff:10.231.0.1}).
   * {@code /ok} answers 200, anything else 404; keep-alive on. Returns the server's pid.
   */
  int startDualStackTlsPython() throws IOException {
    makeCertificate();
    Process p = start(server, "python3", "-c", """
        import http.server, socket, ssl
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def do_GET(self):
                body = b"ok\\n"
                self.send_response(200 if self.path == "/ok" else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        class DualStack(http.server.HTTPServer):
            address_family = socket.AF_INET6
            def server_bind(self):
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
                super().server_bind()
        server = DualStack(("::", 8444), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain("%1$s/cert.pem", "%1$s/key.pem")
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """.formatted(dir));
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        client.name(), "curl", "-sk", "-o", "/dev/null", "https://" + SERVER_V4 + ":8444/ok")).ok(),
        "dual-stack TLS server on 8444");
    return (int) p.pid(); // ip netns exec execs python in place
  }

  /**
   * An HTTPS server in C on port 8445 with OpenSSL's read-ahead on (as nginx has it): the read that ends a
   * handshake takes whatever came after the client's Finished, so a request sent in the same flight is
   * served by the first SSL_read from the library's buffer, without touching the socket. Answers one request
   * per connection, 200 (src/test/resources/tls-peers/read-ahead-server.c). Returns its pid.
   */
  int startReadAheadTlsServer() throws Exception {
    makeCertificate();
    String source;
    try (java.io.InputStream in = TwoHosts.class.getResourceAsStream("/tls-peers/read-ahead-server.c")) {
      source = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Path server = io.hybridmesh.agent.probe.Fixtures.gcc(dir, "read-ahead-server", source, "-lssl", "-lcrypto");
    Process p = start(this.server, server.toString(), dir.resolve("cert.pem").toString(),
        dir.resolve("key.pem").toString());
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec", client.name(),
        "curl", "-sk", "-o", "/dev/null", "https://" + SERVER_V4 + ":8445/")).ok(), "read-ahead TLS server on 8445");
    return (int) p.pid();
  }

  void makeCertificate() throws IOException {
    if (Files.exists(dir.resolve("cert.pem"))) {
      return;
    }
    Shell.run(Duration.ofSeconds(30), List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-days", "1", "-subj", "/CN=server.test"));
  }

  /** Where the TLS server's certificate and key are ({@code cert.pem}, {@code key.pem}). */
  Path certificateDirectory() {
    return dir;
  }

  /** Starts a command in the server namespace, stopped with the others on close (ip netns exec execs it: its pid). */
  Process startInServer(String... command) {
    return start(server, command);
  }

  /**
   * Starts a command in the client namespace that waits for a line on its stdin before it does anything (the
   * Go test client does): the caller sees its probes attached, then {@link #release}s it.
   */
  Process startInClient(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", client.name()));
    full.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(full).redirectError(dir.resolve("client-" + processes.size() + ".err").toFile())
          .start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets a process from {@link #startInClient} go, once {@code probed} says its pid carries probes; its output. */
  String release(Process p, java.util.function.IntPredicate probed) {
    letGo(p, probed);
    return output(p, 60, "client");
  }

  /** Once {@code probed} says the process's pid carries probes, writes the line it waits for. */
  private void letGo(Process p, java.util.function.IntPredicate probed) {
    int pid = (int) p.pid();
    awaitUntil(() -> probed.test(pid), "probes on the client process " + pid);
    try {
      p.getOutputStream().write('\n');
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** All a process prints, once it has exited 0 within {@code seconds}; else the test fails with it. */
  private static String output(Process p, int seconds, String what) {
    try {
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(what + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code url} answers in the client namespace (curl -k). */
  void awaitHttps(String url) {
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        client.name(), "curl", "-sk", "-o", "/dev/null", url)).ok(), url);
  }

  /** Where the self-signed certificate is made ({@code cert.pem}, {@code key.pem}), made if not yet. */
  Path certificate() throws IOException {
    makeCertificate();
    return dir;
  }

  /** Starts a command in the caller's own namespace, stopped with the others on close. */
  void startHere(String... command) {
    try {
      processes.add(new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("here-" + processes.size() + ".log").toFile()).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs a command in the client namespace as a process of the workload that was there before it made its
   * TLS calls: a shell starts, waits until {@code probed} says its pid carries the agent's probes, then
   * execs the command in place (same process, so the probes stay). TLS probes are scoped to processes, and
   * one that makes its first TLS call within milliseconds of starting can beat its probes to it (see
   * {@code TlsFlowKernelIT.aNewProcessIsProbedSoonAfterItStarts}). Returns the command's output.
   */
  String runProbed(java.util.function.IntPredicate probed, String... command) {
    try {
      Process p = new ProcessBuilder(probedCommand(command)).redirectErrorStream(true).start();
      letGo(p, probed); // ip netns exec and sh exec in place: the same process throughout
      return output(p, 30, command[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * As {@link #runProbed}, but returns the running process once it is released, for the test to stop (a
   * download cut short).
   */
  Process startProbed(java.util.function.IntPredicate probed, String... command) {
    try {
      Process p = new ProcessBuilder(probedCommand(command)).redirectErrorStream(true)
          .redirectOutput(dir.resolve("probed-" + processes.size() + ".log").toFile()).start();
      processes.add(p);
      letGo(p, probed);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command in the client namespace behind a shell that waits for one line, then execs it in place. */
  private List<String> probedCommand(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", client.name(), "sh", "-c",
        "read go && exec \"$@\"", "sh"));
    full.addAll(List.of(command));
    return full;
  }

  /** A UDP echo server on port 9053 (python3). */
  void startUdpEcho() {
    start(server, "python3", "-c", """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 9053))
        while True:
            data, peer = s.recvfrom(65535)
            s.sendto(data, peer)
        """);
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        server.name(), "ss", "-H", "-uln", "sport = :9053")).output().contains("9053"), "UDP echo on 9053");
  }

  /** A TCP server on port 9100 (python3) that holds every connection open and discards what it reads. */
  void startTcpSink() {
    start(server, "python3", "-c", """
        import selectors, socket
        sel = selectors.DefaultSelector()
        srv = socket.create_server(("0.0.0.0", 9100), backlog=512)
        sel.register(srv, selectors.EVENT_READ)
        while True:
            for key, _ in sel.select():
                if key.fileobj is srv:
                    sel.register(srv.accept()[0], selectors.EVENT_READ)
                elif not key.fileobj.recv(65536):
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
        """);
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        server.name(), "ss", "-H", "-tln", "sport = :9100")).output().contains("9100"), "TCP sink on 9100");
  }

  /** Runs curl in the client namespace; returns its -w output split on spaces. */
  String[] curl(String url, String format) {
    String out = client.exec(Duration.ofSeconds(20), "curl", "-sS", "-g", "-o", "/dev/null", "-w", format,
        url);
    return out.trim().split(" ");
  }

  /** Sends datagrams of the given sizes to the echo server and waits for each echo. */
  void udpExchange(int... sizes) {
    StringBuilder sends = new StringBuilder();
    for (int size : sizes) {
      sends.append("s.sendto(b'x' * ").append(size).append(", ('").append(SERVER_V4)
          .append("', 9053)); s.recvfrom(65535)\n");
    }
    client.exec(Duration.ofSeconds(20), "python3", "-c",
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.settimeout(5)\n"
            + "s.bind(('0.0.0.0', 40053))\n" + sends);
  }

  private Process start(TestNetns ns, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
    full.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(full).redirectErrorStream(true)
          .redirectOutput(dir.resolve("server-" + processes.size() + ".log").toFile()).start();
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitTcp(String host, int port) {
    awaitUntil(() -> Shell.runUnchecked(Duration.ofSeconds(5), List.of("ip", "netns", "exec",
        client.name(), "curl", "-s", "-o", "/dev/null", "http://" + host + ":" + port + "/")).ok(),
        "server on " + host + ":" + port);
  }

  private static void awaitUntil(java.util.function.BooleanSupplier ready, String what) {
    await(what + " did not come up").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
        .until(ready::getAsBoolean);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    client.close();
    server.close();
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("rm", "-rf", dir.toString()));
  }
}
