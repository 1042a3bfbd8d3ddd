package io.hybridmesh.agent.runtime;

import io.hybridmesh.agent.datapath.PlaintextProbes;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.tls.TlsProcessWatch;
import io.hybridmesh.jni.BpfException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The network namespaces the node watches, told to every task-side program set: the TLS probes (which follow
 * the processes of those namespaces) and the plaintext socket hooks.
 *
 * <p>While the socket hooks are attached they run at every socket receive and send on the node (the socket
 * tracepoints, Linux 6.3; nothing measurable for a socket nobody watches), or on older kernels every syscall
 * on the node takes the kernel's traced path (a few hundred nanoseconds each), so with
 * {@link PlaintextMode#AUTO} they are attached only while they can find something: when a namespace starts
 * being watched (its first requests are read), and again whenever the TC programs see a watched endpoint's
 * TCP connection open with plaintext HTTP. They are detached when no namespace is watched, or after
 * {@code idle} in which neither the TC programs saw a new plaintext HTTP connection nor the hooks read any
 * HTTP: a node whose workloads speak only TLS stops paying for them. What that costs: after a quiet spell, the
 * requests of a new plaintext connection before the next {@link #plaintextActivity} call (about a second) are
 * not read.
 */
public final class WatchedNamespaces {

  private static final Logger LOG = Logger.getLogger(WatchedNamespaces.class.getName());

  private final TlsProcessWatch tls;
  private final TlsSocketNotes tlsNotes;
  private final PlaintextProbes plaintext;
  private final PlaintextMode mode;
  private final long idleNanos;
  private final Set<Long> watched = new HashSet<>();
  private long lastHttpConnections;
  private long lastSocketHttp;
  private long lastActivityNanos;
  private long reattaches;

  /** Hooks detached after 30 s without plaintext HTTP (with {@link PlaintextMode#AUTO}). */
  public WatchedNamespaces(TlsProcessWatch tls, PlaintextProbes plaintext, PlaintextMode mode) {
    this(tls, plaintext, mode, Duration.ofSeconds(30));
  }

  /**
   * @param tls null when TLS is not read
   * @param plaintext null when plaintext is not read; with {@link PlaintextMode#ON}, attached here
   * @param idle with {@link PlaintextMode#AUTO}, how long the hooks stay attached without plaintext HTTP
   */
  public WatchedNamespaces(TlsProcessWatch tls, PlaintextProbes plaintext, PlaintextMode mode, Duration idle) {
    this(tls, null, plaintext, mode, idle);
  }

  /** The same, and the TLS probes' socket notes come back when a workload starts being watched. */
  public WatchedNamespaces(TlsProcessWatch tls, TlsSocketNotes tlsNotes, PlaintextProbes plaintext,
      PlaintextMode mode, Duration idle) {
    this.tls = tls;
    this.tlsNotes = tlsNotes;
    this.plaintext = plaintext;
    this.mode = mode;
    this.idleNanos = idle.toNanos();
    this.lastActivityNanos = System.nanoTime();
    if (plaintext != null && mode == PlaintextMode.ON) {
      plaintext.attach();
    }
  }

  public synchronized void watch(long netnsInode, int endpointId) {
    if (tls != null) {
      tls.watch(netnsInode, endpointId);
    }
    if (tlsNotes != null && !watched.contains(netnsInode)) {
      tlsNotes.newWorkload(System.nanoTime()); // its first TLS calls get their connections' addresses
    }
    if (plaintext != null) {
      plaintext.watchNetns(netnsInode, endpointId);
    }
    if (watched.add(netnsInode) && plaintext != null && mode == PlaintextMode.AUTO) {
      lastActivityNanos = System.nanoTime(); // a new workload: read its first requests, whatever it speaks
      attachQuietly();
    }
  }

  private void attachQuietly() {
    try {
      plaintext.attach();
    } catch (BpfException e) {
      LOG.warning("plaintext HTTP cannot be read at the sockets of this node (" + e.getMessage() + "); "
          + "connections and HTTP inside TLS go on");
    }
  }

  /**
   * Housekeeping, about once a second (with {@link PlaintextMode#AUTO}): attaches the hooks when plaintext
   * HTTP was seen since the last call, detaches them after the idle time without.
   *
   * @param httpConnections watched TCP connections whose first payload was plaintext HTTP, so far (the TC
   *     programs' count)
   * @param socketHttp HTTP messages the socket hooks have read, so far
   */
  public synchronized void plaintextActivity(long httpConnections, long socketHttp, long nowNanos) {
    if (plaintext == null || mode != PlaintextMode.AUTO) {
      return;
    }
    boolean active = httpConnections != lastHttpConnections || socketHttp != lastSocketHttp;
    lastHttpConnections = httpConnections;
    lastSocketHttp = socketHttp;
    if (active) {
      lastActivityNanos = nowNanos;
    }
    if (watched.isEmpty()) {
      return;
    }
    if (active && !plaintext.attached()) {
      reattaches++;
      LOG.info("plaintext HTTP on a watched endpoint: attaching the socket hooks");
      attachQuietly();
    } else if (!active && plaintext.attached() && nowNanos - lastActivityNanos >= idleNanos) {
      LOG.info("no plaintext HTTP on watched endpoints for " + idleNanos / 1_000_000_000L
          + " s: detaching the socket hooks (the node's socket I/O and syscalls run without them); the TC "
          + "programs attach them again at the next plaintext HTTP connection");
      plaintext.detach();
    }
  }

  /** How often the hooks were attached again after an idle detach. */
  public synchronized long plaintextReattaches() {
    return reattaches;
  }

  public synchronized void unwatch(long netnsInode) {
    if (tls != null) {
      tls.unwatch(netnsInode);
    }
    if (plaintext != null) {
      plaintext.unwatchNetns(netnsInode);
    }
    if (watched.remove(netnsInode) && watched.isEmpty() && plaintext != null && mode == PlaintextMode.AUTO) {
      plaintext.detach();
    }
  }

  /** Namespaces watched now. */
  public synchronized int size() {
    return watched.size();
  }
}
