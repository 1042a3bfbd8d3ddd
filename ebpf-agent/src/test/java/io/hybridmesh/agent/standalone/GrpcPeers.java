package io.hybridmesh.agent.standalone;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java peers on Netty with netty-tcnative's BoringSSL, or on h2c when made {@code plaintext} (the {@code
 * peers} module's {@code GrpcPeer}),
 * run as JVMs of their own in the namespaces of a {@link TwoHosts}: a server in the server namespace on
 * {@link #PORT}, clients in the client namespace. They run on the peers module's classpath (Netty 4.2),
 * not this test's (Netty 4.1), which the build writes to {@code peers/target/peer-classpath.txt}.
 *
 * <p>Netty extracts the tcnative library to a temporary file at run time, loads it and deletes the file,
 * so the agent finds it only by rescanning the process's maps. Each peer prints {@code ready} once the
 * library is loaded; the helpers wait until the agent's probes are on that library before any call.
 */
final class GrpcPeers implements AutoCloseable {

  static final int PORT = 9443;
  private static final Duration START = Duration.ofSeconds(40);
  private static final String MAIN = "io.hybridmesh.peers.grpc.GrpcPeer";

  private final TwoHosts hosts;
  private final String classpath;
  private final List<Process> processes = new ArrayList<>();
  /** Peers that are not our direct children (forked by unshare): stopped by pid on close. */
  private final List<Integer> forked = new ArrayList<>();
  private final Path logs;
  /** h2c (HTTP/2 with prior knowledge, no TLS) instead of TLS through BoringSSL. */
  private final boolean plaintext;

  GrpcPeers(TwoHosts hosts) throws IOException {
    this(hosts, false);
  }

  /** Peers that speak h2c when {@code plaintext}, else TLS through netty-tcnative's BoringSSL. */
  GrpcPeers(TwoHosts hosts, boolean plaintext) throws IOException {
    this.hosts = hosts;
    this.plaintext = plaintext;
    Path dir = Path.of(System.getProperty("hmesh.peers.dir", "../peers/target"));
    Path list = dir.resolve("peer-classpath.txt");
    if (!Files.isRegularFile(list) || !Files.isDirectory(dir.resolve("classes"))) {
      throw new AssertionError("the grpc-java peers are not built: " + list.toAbsolutePath() + " is missing "
          + "(build with -pl ebpf-agent -am, which builds the peers module first)");
    }
    this.classpath = dir.resolve("classes").toAbsolutePath() + ":" + Files.readString(list).trim();
    hosts.makeCertificate();
    this.logs = Files.createTempDirectory("hm-grpc-peers");
  }

  /** Starts the TLS server; returns its pid once the agent's probes are on its BoringSSL. */
  int startServer(StandaloneAgent agent) {
    int pid = startServer();
    awaitProbed(agent, pid);
    return pid;
  }

  /** Starts the TLS server; returns its pid once it listens. */
  int startServer() {
    return start(hosts.server.name(), List.of(), serverArgs()).pid;
  }

  /**
   * Starts the TLS server in a pid and mount namespace of its own, as a container's process is: its {@code
   * /proc} is not the host's, so a path under it means another process there. Returns its pid as the host
   * sees it, once the agent's probes are on its BoringSSL.
   */
  int startServerInOwnPidNamespace(StandaloneAgent agent) throws IOException {
    // --kill-child: the JVM, pid 1 inside, goes when unshare is stopped.
    Peer unshare = start(hosts.server.name(), List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"),
        serverArgs());
    // unshare forks: the JVM is its child.
    String list = Files.readString(Path.of("/proc", Integer.toString(unshare.pid), "task",
        Integer.toString(unshare.pid), "children")).trim();
    int pid = Integer.parseInt(list.split(" ")[0]);
    forked.add(pid);
    awaitProbed(agent, pid);
    return pid;
  }

  private String[] serverArgs() {
    if (plaintext) {
      return new String[] {"server", Integer.toString(PORT), "--plaintext"};
    }
    Path dir = hosts.certificateDirectory();
    return new String[] {"server", Integer.toString(PORT), dir.resolve("cert.pem").toString(),
        dir.resolve("key.pem").toString()};
  }

  /**
   * Starts a TLS client with these steps (see the peers module's {@code ClientScript}), after a first
   * {@code await}: it loads BoringSSL, prints {@code waiting} and goes on at {@link Peer#proceed()}.
   */
  Peer startClient(String... steps) {
    List<String> args = new ArrayList<>(List.of("client", TwoHosts.SERVER_V4, Integer.toString(PORT),
        plaintext ? "--plaintext" : "--tls", "await"));
    args.addAll(List.of(steps));
    Peer client = start(hosts.client.name(), List.of(), args.toArray(String[]::new));
    client.awaitLine("waiting");
    return client;
  }

  /** Runs a client whose calls all start once the agent's probes are on its BoringSSL; returns its lines. */
  List<String> runClient(StandaloneAgent agent, String... steps) {
    Peer client = startClient(steps);
    awaitProbed(agent, client.pid);
    client.proceed();
    return client.finish();
  }

  /**
   * Runs an h2c client (peers made with {@code plaintext}) whose calls all start once it is up: nothing to
   * probe, the socket hooks read it. Returns its lines.
   */
  List<String> runPlainClient(String... steps) {
    if (!plaintext) {
      throw new IllegalStateException("TLS peers: use runClient, which waits for the probes");
    }
    Peer client = startClient(steps);
    client.proceed();
    return client.finish();
  }

  /** Waits until the agent has probes on the netty-tcnative library that this process loaded. */
  static void awaitProbed(StandaloneAgent agent, int pid) {
    await("probes on the BoringSSL of process " + pid).atMost(START).pollInterval(Duration.ofMillis(100))
        .until(() -> agent.tlsProbedFiles(pid).stream().anyMatch(GrpcPeers::isTcnative));
  }

  /** A probed file is netty-tcnative's library: its own path, or a map_files link to the deleted file. */
  static boolean isTcnative(String file) {
    String target = file;
    if (file.contains("/map_files/")) {
      try {
        target = Files.readSymbolicLink(Path.of(file)).toString();
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return target.contains("netty_tcnative");
  }

  /** Starts the peer in {@code namespace}, its command after {@code prefix} (e.g. unshare). */
  private Peer start(String namespace, List<String> prefix, String... args) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.addAll(prefix);
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
        "-Xmx256m", "-cp", classpath, MAIN));
    command.addAll(List.of(args));
    Path log = logs.resolve(args[0] + "-" + processes.size() + ".err");
    try {
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      processes.add(p);
      Peer peer = new Peer(p, log);
      String ready = peer.awaitLine("ready");
      if (!ready.contains(plaintext ? "tls=none" : "tls=OPENSSL")) {
        throw new AssertionError((plaintext ? "the peer is not on h2c: " : "the peer is not on netty-tcnative: ")
            + ready);
      }
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (int pid : forked) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
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
    try (var files = Files.list(logs)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(logs);
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }

  /** One peer process: its stdout line by line, its stdin to release it from {@code await}. */
  static final class Peer {
    final int pid;
    private final Process process;
    private final Path log;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private static final String EOF = "\0eof";

    Peer(Process process, Path log) {
      this.process = process;
      this.log = log;
      this.pid = (int) process.pid(); // ip netns exec execs java in place: the same process
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l = r.readLine(); l != null; l = r.readLine()) {
            lines.add(l);
          }
        } catch (IOException e) {
          // the process is gone
        }
        lines.add(EOF);
      }, "grpc-peer-" + pid);
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line, which must start with {@code prefix}. */
    String awaitLine(String prefix) {
      String l = next(START);
      if (l == null || l.equals(EOF) || !l.startsWith(prefix)) {
        throw new AssertionError("peer " + pid + ": expected '" + prefix + "', got " + (l == null ? "nothing in "
            + START : l.equals(EOF) ? "its end" : "'" + l + "'") + "; stderr: " + stderr());
      }
      return l;
    }

    /** The lines up to the first that starts with {@code prefix}, which is left out. */
    List<String> readUntil(String prefix) {
      List<String> out = new ArrayList<>();
      while (true) {
        String l = next(START);
        if (l == null || l.equals(EOF)) {
          throw new AssertionError("peer " + pid + ": no '" + prefix + "' after " + out + "; stderr: " + stderr());
        }
        if (l.startsWith(prefix)) {
          return out;
        }
        out.add(l);
      }
    }

    /** Lets the peer go on past its {@code await} step. */
    void proceed() {
      try {
        OutputStream in = process.getOutputStream();
        in.write('\n');
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Waits for the peer to end; returns the lines it printed since the last one read. */
    List<String> finish() {
      List<String> out = new ArrayList<>();
      for (String l = next(Duration.ofSeconds(60)); ; l = next(Duration.ofSeconds(60))) {
        if (l == null) {
          throw new AssertionError("peer " + pid + " did not end; so far " + out + "; stderr: " + stderr());
        }
        if (l.equals(EOF)) {
          break;
        }
        out.add(l);
      }
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
          throw new AssertionError("peer " + pid + " failed: " + out + "; stderr: " + stderr());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      return out;
    }

    private String next(Duration timeout) {
      try {
        return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    private String stderr() {
      try {
        return Files.readString(log);
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }
  }
}
