package io.hybridmesh.jni.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A named network namespace for a test ({@code ip netns add}), deleted on close even when it is already
 * gone. Names carry a random suffix so that parallel or crashed runs do not collide.
 */
public final class TestNetns implements AutoCloseable {

  private final String name;

  private TestNetns(String name) {
    this.name = name;
  }

  /** Creates {@code <prefix>-<random>}; the prefix should be short (interface names are not involved). */
  public static TestNetns create(String prefix) {
    String name = prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    Shell.run("ip", "netns", "add", name);
    return new TestNetns(name);
  }

  public String name() {
    return name;
  }

  /** The namespace file, as TcHook wants it. */
  public Path path() {
    return Path.of("/run/netns", name);
  }

  /** Runs a command inside the namespace, throwing with its output when it fails. */
  public String exec(String... command) {
    return exec(Shell.DEFAULT_TIMEOUT, command);
  }

  public String exec(Duration timeout, String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return Shell.run(timeout, full);
  }

  /** Deletes the namespace now; close() afterwards does nothing harmful. */
  public void delete() {
    Shell.runUnchecked(Duration.ofSeconds(10), List.of("ip", "netns", "delete", name));
  }

  @Override
  public void close() {
    delete();
  }

  /**
   * Links two namespaces with a veth pair {@code ifA}/{@code ifB}, addresses {@code addrA}/{@code addrB}
   * (CIDR, e.g. 10.231.0.1/24), both up.
   */
  public static void vethPair(TestNetns a, String ifA, String addrA, TestNetns b, String ifB, String addrB) {
    Shell.run("ip", "-n", a.name, "link", "add", ifA, "type", "veth", "peer", "name", ifB, "netns", b.name);
    a.exec("ip", "addr", "add", addrA, "dev", ifA);
    b.exec("ip", "addr", "add", addrB, "dev", ifB);
    a.exec("ip", "link", "set", ifA, "up");
    b.exec("ip", "link", "set", ifB, "up");
    a.exec("ip", "link", "set", "lo", "up");
    b.exec("ip", "link", "set", "lo", "up");
  }
}
