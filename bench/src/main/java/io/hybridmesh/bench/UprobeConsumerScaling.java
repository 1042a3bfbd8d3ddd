package io.hybridmesh.bench;

import io.hybridmesh.agent.datapath.BpfObjects;
import io.hybridmesh.agent.datapath.EventOutput;
import io.hybridmesh.agent.datapath.SocketHooks;
import io.hybridmesh.agent.datapath.TlsDatapath;
import io.hybridmesh.agent.datapath.TlsHooks;
import io.hybridmesh.agent.datapath.UprobeLinks;
import io.hybridmesh.agent.probe.elf.ElfFile;
import io.hybridmesh.agent.tls.TlsProbes;
import io.hybridmesh.agent.tls.TlsSite;
import io.hybridmesh.jni.Bpf;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a hit costs when other watched processes map the same file. The agent scopes its uprobes to watched
 * processes with one pair of uprobe_multi links per process and file (Linux 6.6+), and the kernel keeps one
 * uprobe per file and offset with every link on it as a consumer: a hit in any of those processes walks the
 * whole list, each other process's consumer declining it after a check of the thread group, at entry and
 * again at return. nginx with a worker per core, or replicas of one image on a node, put tens of consumers
 * on libssl's sites. This times one probed process's hits with 0, then more, idle watched processes
 * (copies of the driver that never call the site) carrying their own links on the same site.
 */
final class UprobeConsumerScaling {

  private static final String SITE = "site_push";

  private UprobeConsumerScaling() {}

  /** Prints ns per hit for each count of other processes, medians of {@code rounds}; closes what it started. */
  static void run(Bpf bpf, EventOutput output, String netns, long netnsInode, String[] driverArgs, int[] others,
      int rounds, int calls) throws Exception {
    Path driver = Path.of(driverArgs[0]);
    long offset;
    try (ElfFile elf = ElfFile.open(driver)) {
      offset = elf.symtab().exact(SITE).fileOffset();
    }
    TlsSite site = new TlsSite(true, offset, true, List.of(SITE));
    List<DriverProcess> drivers = new ArrayList<>();
    List<TlsProbes.Attachment> links = new ArrayList<>();
    try (TlsDatapath tls = new TlsDatapath(bpf, BpfObjects.load(BpfObjects.TLS_UPROBE), output,
        new TlsHooks(UprobeLinks.MULTI, SocketHooks.AUTO))) {
      tls.watchNetns(netnsInode, 1);
      DriverProcess base = start(drivers, netns, driverArgs);
      DriverProcess probed = start(drivers, netns, driverArgs);
      links.add(attached(tls.attach(probed.pid, driver, List.of(site))));
      String command = "site " + SITE;
      base.run(command, 50);
      probed.run(command, 50);
      System.out.printf(Locale.ROOT, "%nThe same hit with other watched processes' links on the site (the agent's "
          + "uprobe_multi links, one pair per process; those processes never call it); %s, entry + return, "
          + "medians of %d rounds of %,d calls:%n%n%-18s %11s %11s%n", SITE, rounds, calls, "OTHER PROCESSES",
          "PER HIT", "ADDED");
      double alone = -1;
      double last = 0;
      int idle = 0;
      for (int n : others) {
        for (; idle < n; idle++) {
          DriverProcess d = start(drivers, netns, driverArgs);
          links.add(attached(tls.attach(d.pid, driver, List.of(site))));
        }
        double[] hits = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          double b = base.run(command, calls) / (double) calls;
          hits[r] = probed.run(command, calls) / (double) calls - b;
        }
        double hit = UprobeCostBench.median(hits);
        if (alone < 0) {
          alone = hit;
        }
        last = hit;
        System.out.printf(Locale.ROOT, "%-18d %8.0f ns %8.0f ns%n", n, hit, hit - alone);
      }
      System.out.printf(Locale.ROOT, "%nADDED: over the first row; %.1f ns per other process at %d.%n",
          idle == others[0] ? 0.0 : (last - alone) / (idle - others[0]), idle);
    } finally {
      links.forEach(TlsProbes.Attachment::close);
      drivers.forEach(DriverProcess::close);
    }
  }

  private static DriverProcess start(List<DriverProcess> drivers, String netns, String[] driverArgs)
      throws java.io.IOException {
    DriverProcess d = new DriverProcess(netns, driverArgs);
    drivers.add(d);
    return d;
  }

  private static TlsProbes.Attachment attached(TlsProbes.Attachment a) {
    if (a.sites().isEmpty()) {
      throw new IllegalStateException("the uprobe_multi links did not attach (Linux 6.6+ is needed here)");
    }
    return a;
  }
}
