package io.hybridmesh.cli.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The demo's network: one network namespace per workload, each with an {@code eth0} plugged into a
 * bridge that lives in a namespace of its own, so that everything the demo builds disappears with its
 * namespaces and nothing is left in the host's own network. All names start with {@link #PREFIX}: that
 * is how leftovers of a killed run are found.
 */
final class DemoNetwork {

  static final String PREFIX = "hm-demo-";
  static final String HUB = PREFIX + "hub";
  static final String SUBNET_PREFIX = "10.250.0.";
  /** The host's own end of the demo network: where the workloads' sidecars reach the xDS server. */
  static final String HOST_ADDRESS = SUBNET_PREFIX + "1";
  static final String HOST_LINK = PREFIX + "host";

  private final List<String> created = new ArrayList<>();

  /** The network namespace of a workload. */
  static String netns(String workload) {
    return PREFIX + workload;
  }

  /** Removes every namespace of an earlier run (killing what still runs in them); returns their names. */
  static List<String> removeLeftovers() {
    List<String> removed = new ArrayList<>();
    if (Run.quiet("ip", "link", "del", HOST_LINK).exit() == 0) {
      removed.add(HOST_LINK);
    }
    for (String line : Run.check("ip", "netns", "list").split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (name.startsWith(PREFIX)) {
        killProcessesIn(name);
        Run.quiet("ip", "netns", "del", name);
        removed.add(name);
      }
    }
    return removed;
  }

  private static void killProcessesIn(String netns) {
    for (String pid : Run.quiet("ip", "netns", "pids", netns).out().split("\\s+")) {
      if (!pid.isBlank()) {
        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  void createHub() {
    add(HUB);
    Run.check("ip", "-n", HUB, "link", "add", "br0", "type", "bridge");
    Run.check("ip", "-n", HUB, "link", "set", "br0", "up");
    // A link from the host into the hub; it goes when the hub's namespace is deleted, with its peer.
    Run.check("ip", "link", "add", HOST_LINK, "type", "veth", "peer", "name", "host", "netns", HUB);
    Run.check("ip", "-n", HUB, "link", "set", "host", "master", "br0", "up");
    Run.check("ip", "addr", "add", HOST_ADDRESS + "/24", "dev", HOST_LINK);
    Run.check("ip", "link", "set", HOST_LINK, "up");
  }

  /** A namespace for the workload, wired to the hub, with {@code address}/24 on its eth0. */
  void addWorkload(String workload, String address) {
    String ns = netns(workload);
    add(ns);
    Run.check("ip", "-n", HUB, "link", "add", workload, "type", "veth", "peer", "name", "eth0", "netns", ns);
    Run.check("ip", "-n", HUB, "link", "set", workload, "master", "br0", "up");
    Run.check("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
    Run.check("ip", "-n", ns, "link", "set", "eth0", "up");
    Run.check("ip", "-n", ns, "link", "set", "lo", "up");
  }

  private void add(String ns) {
    Run.check("ip", "netns", "add", ns);
    created.add(ns);
    // IPv4 only: IPv6 router and neighbour solicitations would fill the flows with noise.
    Run.check("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
        "net.ipv6.conf.default.disable_ipv6=1");
  }

  /** Deletes what this run created, processes inside first; returns what could not be deleted. */
  List<String> delete() {
    List<String> failed = new ArrayList<>();
    for (int i = created.size() - 1; i >= 0; i--) {
      String ns = created.get(i);
      killProcessesIn(ns);
      if (Run.quiet("ip", "netns", "del", ns).exit() != 0) {
        failed.add(ns);
      }
    }
    created.clear();
    return failed;
  }
}
