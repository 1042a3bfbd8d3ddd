package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.abi.HmAbi;
import io.hybridmesh.agent.abi.ProcessEvent;
import io.hybridmesh.agent.tls.ProcessView.TlsFile;
import io.hybridmesh.agent.tls.TlsProbes.Attachment;
import io.hybridmesh.agent.tls.TrackedProcess.Attached;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Keeps the TLS probes on exactly the processes of the watched network namespaces. A probe attached to a
 * library file for every process would make every process on the node that maps it trap on every TLS call,
 * watched or not; here each process gets probes of its own, attached when it appears and closed when it
 * goes, so processes outside the watched workloads run as if no agent were there.
 *
 * <p>Processes are found two ways: the kernel reports forks, execs and exits in watched namespaces as they
 * happen ({@link #onProcessEvent}), and a periodic {@link #scan} of {@code /proc} catches whatever those
 * reports missed (a full ring buffer, a library loaded later with dlopen, a pid reused). A new process gets
 * the files its parent had and the TLS files already known in its root at once, before its own files are
 * read: a short-lived client makes its first TLS call within milliseconds of exec, and probes attached for a
 * library it has not mapped yet are installed by the kernel when it maps it. A library loaded later with
 * dlopen, even one deleted once loaded (netty-tcnative's), is found by the next scan; a scan looks at a
 * process's libraries again only when its file-backed code mappings changed ({@link MapsFingerprint}).
 */
public final class TlsProcessWatch implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(TlsProcessWatch.class.getName());
  private static final int MAX_QUEUED_EVENTS = 4096;
  /**
   * Watched processes with probes on one file from which the agent says what that costs. The kernel keeps one
   * uprobe per file and site, with every process's link on it: each hit in any of them walks all of them,
   * ≈70-80 ns a process at entry and return (bench/uprobe-cost.sh, KVM guest), so 16 add ≈1.2 µs a call.
   */
  static final int SHARED_FILE_NOTICE = 16;

  private final TlsProbes probes;
  private final ProcessView processes;
  private final Set<Long> watchedNetns = ConcurrentHashMap.newKeySet();
  private final Map<Integer, TrackedProcess> tracked = new HashMap<>();
  private final RootFiles rootFiles = new RootFiles();
  private final Set<String> announced = new HashSet<>();
  private final Set<String> sharedNoticed = new HashSet<>();
  private final ThreadPoolExecutor worker;
  private final Detacher detacher = new Detacher();
  private final AtomicLong attachFailures = new AtomicLong();
  private final AtomicLong eventsDropped = new AtomicLong();
  private final AtomicLong fullScans = new AtomicLong();
  private final ProbedLibraries libraries = new ProbedLibraries();

  public TlsProcessWatch(TlsProbes probes, ProcessView processes) {
    this.probes = probes;
    this.processes = processes;
    this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS), r -> {
          Thread t = new Thread(r, "hmesh-tls-processes");
          t.setDaemon(true);
          return t;
        });
    // Started here, not by the first process event: that arrives on the event thread, which may be
    // SCHED_IDLE (EventThreadYield), and a thread inherits its creator's scheduling class.
    worker.prestartAllCoreThreads();
  }

  /** TLS library files found in a watched process but left unprobed because no probe could be attached. */
  public long attachFailures() {
    return attachFailures.get();
  }

  /** Process reports that arrived faster than they could be handled; the next scan makes up for them. */
  public long eventsDropped() {
    return eventsDropped.get();
  }

  /**
   * Times a rescan looked for a process's TLS libraries in full, because its code mappings changed (or it
   * was new): the rest of the rescans read only its maps.
   */
  public long fullScans() {
    return fullScans.get();
  }

  /** Attachments of processes that went, still being detached. */
  public long detachesPending() {
    return detacher.pending();
  }

  /** Which library each probed process's TLS-library probes are on: its flows' label. */
  public ProbedLibraries libraries() {
    return libraries;
  }

  /** Watched processes that carry TLS probes now. */
  public synchronized int probedProcesses() {
    return (int) tracked.values().stream().filter(t -> !t.files.isEmpty()).count();
  }

  /**
   * The most watched processes that carry probes on one library file (one inode): every TLS call in any of
   * them passes through all their links on its site (see {@link #SHARED_FILE_NOTICE}).
   */
  public synchronized int mostProcessesOnOneFile() {
    Map<String, Integer> byFile = new HashMap<>();
    tracked.values().forEach(t -> t.files.keySet().forEach(id -> byFile.merge(id, 1, Integer::sum)));
    return byFile.values().stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  /** Whether this process carries TLS probes now. */
  public synchronized boolean probes(int pid) {
    TrackedProcess t = tracked.get(pid);
    return t != null && !t.files.isEmpty();
  }

  /** The files whose TLS functions carry probes in this process now (paths inside its root). */
  public synchronized List<String> probedFiles(int pid) {
    TrackedProcess t = tracked.get(pid);
    return t == null ? List.of() : t.files.values().stream().map(a -> a.file().inner()).toList();
  }

  public synchronized void watch(long netnsInode, int endpointId) {
    watchedNetns.add(netnsInode);
    probes.watchNetns(netnsInode, endpointId);
  }

  public synchronized void unwatch(long netnsInode) {
    watchedNetns.remove(netnsInode);
    probes.unwatchNetns(netnsInode);
    tracked.values().removeIf(t -> {
      if (t.netns == netnsInode) {
        t.close(detacher);
        return true;
      }
      return false;
    });
  }

  /** Learns the node's own libssl, so that a process of the host's root gets its probes from its exec on. */
  public synchronized void probeSystemLibraries() {
    String root = processes.root((int) ProcessHandle.current().pid());
    if (root != null) {
      processes.systemTlsFiles().forEach(f -> rootFiles.remember(root, f));
    }
  }

  /** One pass over every process: probes for the watched ones, none for the rest. */
  public synchronized void scan() {
    if (watchedNetns.isEmpty() && tracked.isEmpty()) {
      return;
    }
    Set<Integer> seen = new HashSet<>();
    for (int pid : processes.pids()) {
      long netns = processes.netns(pid);
      if (netns < 0 || !watchedNetns.contains(netns)) {
        continue;
      }
      TrackedProcess t = tracking(pid, netns);
      if (t != null) {
        seen.add(pid);
        // Only a process whose code mappings changed can have a new TLS library (see MapsFingerprint).
        long maps = processes.mapsFingerprint(pid);
        if (maps == MapsFingerprint.UNKNOWN || maps != t.mapsSeen) {
          fullScans.incrementAndGet();
          t.mapsSeen = attachAll(pid, t, processes.tlsFiles(pid), true) ? maps : MapsFingerprint.UNKNOWN;
        }
      }
    }
    tracked.entrySet().removeIf(e -> {
      if (!seen.contains(e.getKey())) {
        e.getValue().close(detacher);
        return true;
      }
      return false;
    });
  }

  /** A fork, exec or exit reported by the kernel; handled off the event thread, in order. */
  public void onProcessEvent(ProcessEvent e) {
    try {
      worker.execute(() -> handle(e));
    } catch (RejectedExecutionException full) {
      eventsDropped.incrementAndGet();
    }
  }

  synchronized void handle(ProcessEvent e) {
    if (e.op() == HmAbi.PROCESS_EXIT) {
      TrackedProcess t = tracked.remove(e.pid());
      if (t != null) {
        t.close(detacher);
      }
    } else {
      long netns = processes.netns(e.pid());
      TrackedProcess t = netns >= 0 && watchedNetns.contains(netns) ? tracking(e.pid(), netns) : null;
      if (t != null) {
        TrackedProcess parent = e.op() == HmAbi.PROCESS_FORK ? tracked.get(e.parentPid()) : null;
        if (parent != null) {
          attachAll(e.pid(), t, parent.files.values().stream().map(Attached::file).toList(), false);
        }
        attachAll(e.pid(), t, rootFiles.known(t.root), false);
        attachAll(e.pid(), t, processes.tlsFiles(e.pid()), true);
      }
    }
  }

  /** The process's entry, new when it was not tracked or its pid now names another process. */
  private TrackedProcess tracking(int pid, long netns) {
    long start = processes.startTime(pid);
    TrackedProcess t = tracked.get(pid);
    if (t != null && (t.startTime != start || t.netns != netns)) {
      t.close(detacher);
      tracked.remove(pid);
      t = null;
    }
    if (t == null && start >= 0) {
      t = new TrackedProcess(netns, start, processes.root(pid));
      tracked.put(pid, t);
    }
    return t;
  }

  /**
   * Attaches what is new; true when every file is settled (probed or failed), none left to retry. {@code
   * own}: the files were found in the process itself, not handed down from its parent or its root.
   */
  private boolean attachAll(int pid, TrackedProcess t, List<TlsFile> files, boolean own) {
    boolean settled = true;
    int attached = t.files.size();
    int owned = t.own.size();
    for (TlsFile f : files) {
      rootFiles.remember(t.root, f);
      if (own) {
        t.own.add(f.identity());
      }
      if (f.sites().isEmpty() || t.files.containsKey(f.identity()) || t.failed.contains(f.identity())) {
        continue;
      }
      Path path = processes.open(pid, f);
      if (path == null) {
        settled = false;
        continue; // not in this process's root, or replaced since
      }
      Attachment a = f.goOffsets() != null ? probes.attachGo(pid, path, f.sites(), f.goOffsets())
          : probes.attach(pid, path, f.sites());
      if (a.sites().isEmpty()) {
        a.close();
        if (processes.open(pid, f) == null) {
          // Gone from that path between the look and the attach: netty-tcnative deletes its library as soon as
          // it is loaded. Not a failure of the file: the next scan names it by /proc/<pid>/map_files.
          settled = false;
          continue;
        }
        t.failed.add(f.identity());
        if (processes.startTime(pid) == t.startTime) {
          attachFailures.incrementAndGet();
          LOG.warning(f.inner() + " in process " + pid + ": none of its TLS probes could be attached; TLS "
              + "through it cannot be read");
        }
        continue;
      }
      t.files.put(f.identity(), new Attached(f, a));
      if (announced.add(f.identity())) {
        LOG.info(() -> "reading TLS through " + f.inner() + " at " + a.sites());
      }
      noticeShared(f);
    }
    if (t.files.size() != attached || t.own.size() != owned) {
      label(pid, t);
    }
    return settled;
  }

  /** Says once per file what sharing it costs, when enough watched processes carry probes on it. */
  private void noticeShared(TlsFile f) {
    long sharing = tracked.values().stream().filter(t -> t.files.containsKey(f.identity())).count();
    if (sharing >= SHARED_FILE_NOTICE && sharedNoticed.add(f.identity())) {
      LOG.info(() -> sharing + " watched processes carry TLS probes on " + f.inner() + " (one file: the "
          + "kernel keeps one uprobe per site for all of them): each TLS call in any of them also passes the "
          + "others' links, about 70-80 ns each on a KVM guest (bench/uprobe-cost.sh), here about "
          + String.format(java.util.Locale.ROOT, "%.1f", (sharing - 1) * 0.075) + " µs a call; see 'most "
          + "watched processes on one probed file' in the counters");
    }
  }

  /**
   * The label of the process's flows: the kinds of its probed files that it uses itself, once known. A new
   * process also carries probes on the TLS files known in its root (the node's libssl for a process of the
   * host), which fire only if it maps them: they would make a JVM on netty-tcnative look like OpenSSL too.
   */
  private void label(int pid, TrackedProcess t) {
    List<TlsFile> probed = t.files.values().stream().map(Attached::file).toList();
    List<TlsFile> used = probed.stream().filter(f -> t.own.contains(f.identity())).toList();
    libraries.probed(pid, (used.isEmpty() ? probed : used).stream().map(TlsFile::kind).toList());
  }

  /** Detaches every probe. */
  @Override
  public synchronized void close() {
    worker.shutdownNow();
    tracked.values().forEach(t -> t.close(detacher));
    tracked.clear();
    detacher.close();
  }
}
