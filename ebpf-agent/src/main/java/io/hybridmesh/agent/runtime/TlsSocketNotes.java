package io.hybridmesh.agent.runtime;

import io.hybridmesh.agent.datapath.SocketNotes;
import io.hybridmesh.jni.BpfException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * When the TLS probes' socket notes are attached. They name the socket a TLS call sends to or receives from,
 * which gives its flow the connection's addresses; but they run at every socket send and receive on the node
 * (before Linux 6.3, every read and write syscall), whichever process makes it, about 0.1 µs each: a node
 * whose workloads speak plaintext pays that on every request though no TLS call needs it. So they are
 * attached from the start, whenever a workload starts being watched and before a process gets TLS probes (the
 * datapath does that), and stay while watched processes make TLS calls or a Go process is probed (its Writes
 * are reported at their send). They are detached at once while no process has TLS probes (nothing could use
 * them), and after {@code idle} without a call; the next TLS call attaches them again at once (from the event
 * thread, which reads the call).
 *
 * <p>What that costs, after such a quiet spell: a call before the notes are back has the addresses of its
 * connection only where the probes saw the connection tied to its SSL object ({@code SSL_set_fd}: nginx,
 * Python's ssl module, wrk) or saw it before; a client with its own I/O (curl's BIO) gets a flow without
 * addresses, which says so ({@code no_socket_in_tls_call}), for its first call or two.
 */
public final class TlsSocketNotes {

  private static final Logger LOG = Logger.getLogger(TlsSocketNotes.class.getName());

  private final SocketNotes notes;
  private final long idleNanos;
  private long lastCalls;
  private long lastActivityNanos;
  private long reattaches;
  /** Mirrors the notes' state, for the event thread's check at every TLS call. */
  private volatile boolean attached;
  /** An attach failed since the last housekeeping: the event thread does not try again before it. */
  private volatile boolean attachFailed;

  /** @param idle zero: never detached */
  public TlsSocketNotes(SocketNotes notes, Duration idle, long nowNanos) {
    this.notes = notes;
    this.idleNanos = idle.toNanos();
    this.lastActivityNanos = nowNanos;
    this.attached = notes.attached();
  }

  /**
   * Housekeeping, about once a second: keeps the notes while there are TLS calls or Go processes, detaches them
   * after the idle time without, attaches them again when calls came while they were away.
   *
   * @param tlsCalls TLS calls of watched processes so far (completed or not)
   * @param probedProcesses processes with TLS probes now, Go ones included
   * @param goProcesses Go processes probed now
   */
  public synchronized void housekeeping(long tlsCalls, int probedProcesses, int goProcesses, long nowNanos) {
    boolean active = tlsCalls != lastCalls || goProcesses > 0;
    lastCalls = tlsCalls;
    attachFailed = false;
    boolean were = attached;
    attached = notes.attached();
    if (attached && !were) {
      active = true; // the datapath brought them back for a process it probes: its first calls may come late
    }
    if (active) {
      lastActivityNanos = nowNanos;
      if (!attached) {
        attach();
      }
    } else if (idleNanos > 0 && attached && probedProcesses == 0) {
      LOG.info("no process has TLS probes: detaching the TLS probes' socket tracepoints (the node's socket I/O "
          + "runs without them); they come back before the next process is probed");
      notes.detach();
      attached = false;
    } else if (idleNanos > 0 && attached && nowNanos - lastActivityNanos >= idleNanos) {
      LOG.info("no TLS call on watched endpoints for " + idleNanos / 1_000_000_000L + " s: detaching the TLS "
          + "probes' socket tracepoints (the node's socket I/O runs without them); the next TLS call attaches "
          + "them again");
      notes.detach();
      attached = false;
    }
  }

  /** A workload starts being watched: the notes are there for its first calls, for the idle time at least. */
  public synchronized void newWorkload(long nowNanos) {
    lastActivityNanos = nowNanos;
    if (!attached) {
      attach();
    }
  }

  /** A TLS call was read (the event thread): the notes come back now if they were away. */
  public void tlsCall() {
    if (!attached && !attachFailed) {
      synchronized (this) {
        if (!attached && !attachFailed) {
          attach();
        }
      }
    }
  }

  private void attach() {
    if (notes.attached()) { // the datapath brought them back for a process it probes
      attached = true;
      return;
    }
    try {
      notes.attach();
      attached = true;
      reattaches++;
      LOG.info("a TLS call on a watched endpoint: attaching the TLS probes' socket tracepoints again");
    } catch (BpfException e) {
      attachFailed = true;
      LOG.warning("the TLS probes' socket tracepoints do not attach again (" + e.getMessage() + "); TLS flows "
          + "have their connection's addresses only where SSL_set_fd was seen");
    }
  }

  /** Whether the notes are attached now (the datapath may have brought them back since the last look). */
  public boolean attached() {
    return notes.attached();
  }

  /** How often the notes were attached again after an idle detach. */
  public synchronized long reattaches() {
    return reattaches;
  }
}
