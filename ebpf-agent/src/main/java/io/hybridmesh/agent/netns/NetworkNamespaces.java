package io.hybridmesh.agent.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Named network namespaces as {@code ip netns} keeps them (files under /run/netns). */
public final class NetworkNamespaces {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final Path directory;

  public NetworkNamespaces() {
    this(Path.of("/run/netns"));
  }

  public NetworkNamespaces(Path directory) {
    this.directory = directory;
  }

  /**
   * The namespace file of a name.
   *
   * @throws IllegalArgumentException when the name is not a plain namespace name or no such namespace
   *     exists; the message says which
   */
  public Path pathOf(String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a network namespace name (letters, digits, '_', '.', '-')");
    }
    Path path = directory.resolve(name);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(
          "network namespace '" + name + "' does not exist (no " + path + "; see 'ip netns list')");
    }
    return path;
  }

  /** The interfaces of a namespace, loopback excluded, as iproute2 reports them now. */
  public List<NetworkInterface> interfaces(String name) throws IOException {
    pathOf(name);
    return run(List.of("ip", "-n", name, "-j", "addr", "show"), "'ip -n " + name + " addr show'");
  }

  /**
   * The interfaces of the namespace at any path (a pod's {@code /proc/<pid>/ns/net}), loopback excluded:
   * {@code ip} run inside it by {@code nsenter}, so no name under /run/netns is needed.
   */
  public List<NetworkInterface> interfacesAt(Path netnsFile) throws IOException {
    String arg = "--net=" + netnsFile;
    return run(List.of("nsenter", arg, "ip", "-j", "addr", "show"), "'nsenter " + arg + " ip addr show'");
  }

  private static List<NetworkInterface> run(List<String> command, String shown) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    byte[] out;
    byte[] err;
    try {
      out = p.getInputStream().readAllBytes();
      err = p.getErrorStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(shown + " did not finish in 10 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + shown, e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(shown + " failed: " + new String(err, StandardCharsets.UTF_8).trim());
    }
    return IpJson.interfaces(new String(out, StandardCharsets.UTF_8));
  }
}
