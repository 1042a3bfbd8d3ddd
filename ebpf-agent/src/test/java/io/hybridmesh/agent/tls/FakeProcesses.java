package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.go.GoStructOffsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Processes as the TLS watch sees them, set by the test; an attacher that records what it is asked. */
final class FakeProcesses implements ProcessView, TlsProbes {

  record Proc(long netns, long start, String root, List<TlsFile> files) {}

  record Attached(int pid, Path path, List<TlsSite> sites, GoStructOffsets go) {}

  final Map<Integer, Proc> processes = new LinkedHashMap<>();
  final List<TlsFile> system = new ArrayList<>();
  final Map<Long, Integer> watched = new LinkedHashMap<>();
  final List<Attached> attached = new ArrayList<>();
  final List<Attached> closed = new ArrayList<>();
  volatile boolean failAttach;
  /** Runs as an attach starts (a file deleted between the look and the attach). */
  volatile Runnable onAttach;
  volatile java.util.concurrent.CountDownLatch attachGate;

  void run(int pid, long netns, String root, TlsFile... files) {
    processes.put(pid, new Proc(netns, 1000 + pid, root, List.of(files)));
  }

  synchronized List<Attached> attachedTo(int pid) {
    return attached.stream().filter(a -> a.pid() == pid).toList();
  }

  synchronized List<Attached> closedOf(int pid) {
    return closed.stream().filter(a -> a.pid() == pid).toList();
  }

  @Override
  public List<Integer> pids() {
    return List.copyOf(processes.keySet());
  }

  @Override
  public long netns(int pid) {
    Proc p = processes.get(pid);
    return p == null ? -1 : p.netns();
  }

  @Override
  public long startTime(int pid) {
    Proc p = processes.get(pid);
    return p == null ? -1 : p.start();
  }

  @Override
  public String root(int pid) {
    Proc p = processes.get(pid);
    return p == null ? (pid == ProcessHandle.current().pid() ? "host" : null) : p.root();
  }

  /** Calls of {@link #tlsFiles}: what a full look at a process costs. */
  final java.util.concurrent.atomic.AtomicInteger tlsFilesCalls = new java.util.concurrent.atomic.AtomicInteger();
  /** Maps fingerprints that tests set; otherwise one follows from the process's files. */
  final Map<Integer, Long> maps = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public long mapsFingerprint(int pid) {
    Proc p = processes.get(pid);
    return p == null ? MapsFingerprint.UNKNOWN : maps.getOrDefault(pid, (long) p.files().hashCode());
  }

  @Override
  public List<TlsFile> tlsFiles(int pid) {
    tlsFilesCalls.incrementAndGet();
    Proc p = processes.get(pid);
    return p == null ? List.of() : p.files();
  }

  @Override
  public List<TlsFile> systemTlsFiles() {
    return system;
  }

  /** Identities of files that {@link #open} cannot open for now (replaced, or not in the root yet). */
  final java.util.Set<String> unopenable = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public Path open(int pid, TlsFile file) {
    return processes.containsKey(pid) && !unopenable.contains(file.identity()) ? Path.of("/proc", Integer.toString(pid), "root", file.inner()) : null;
  }

  @Override
  public void watchNetns(long netnsInode, int endpointId) {
    watched.put(netnsInode, endpointId);
  }

  @Override
  public void unwatchNetns(long netnsInode) {
    watched.remove(netnsInode);
  }

  @Override
  public Attachment attach(int pid, Path file, List<TlsSite> sites) {
    return attachGo(pid, file, sites, null);
  }

  @Override
  public Attachment attachGo(int pid, Path file, List<TlsSite> sites, GoStructOffsets go) {
    Runnable hook = onAttach;
    if (hook != null) {
      hook.run();
    }
    java.util.concurrent.CountDownLatch gate = attachGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Attached a = new Attached(pid, file, failAttach ? List.of() : sites, go);
    synchronized (this) {
      if (!failAttach) {
        attached.add(a);
      }
    }
    return new Attachment() {
      @Override
      public List<TlsSite> sites() {
        return a.sites();
      }

      @Override
      public void close() {
        synchronized (FakeProcesses.this) {
          if (!a.sites().isEmpty()) {
            closed.add(a);
          }
        }
      }
    };
  }
}
