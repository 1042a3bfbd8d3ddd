package io.hybridmesh.agent.datapath;

import java.time.Duration;
import java.util.Locale;

/**
 * How the TLS programs hook into processes and the kernel: the uprobe links of each process, and the
 * tracepoints that name each call's socket. {@link #AUTO} takes the best the kernel has; the others exist
 * to run, on a new kernel, the paths older kernels take.
 *
 * @param socketsIdle the socket tracepoints are detached after this long without a TLS call on a watched
 *     endpoint and attached again at the next (the agent's {@code TlsSocketNotes}); zero keeps them attached
 */
public record TlsHooks(UprobeLinks uprobes, SocketHooks sockets, Duration socketsIdle) {

  /**
   * How long the socket tracepoints stay without a TLS call, unless told. Longer than the plaintext hooks'
   * 30 s: what their absence costs (the addresses of a new connection's first calls, for a client without
   * SSL_set_fd) falls on clients that call now and then, and a few minutes cover most of them.
   */
  public static final Duration SOCKETS_IDLE = Duration.ofMinutes(5);

  public static final TlsHooks AUTO = new TlsHooks(UprobeLinks.AUTO, SocketHooks.AUTO);

  public TlsHooks {
    if (socketsIdle.isNegative()) {
      throw new IllegalArgumentException("the socket tracepoints' idle time must not be negative");
    }
  }

  public TlsHooks(UprobeLinks uprobes, SocketHooks sockets) {
    this(uprobes, sockets, SOCKETS_IDLE);
  }

  /** The same with another idle time for the socket tracepoints. */
  public TlsHooks withSocketsIdle(Duration idle) {
    return new TlsHooks(uprobes, sockets, idle);
  }

  /** What a kernel before 6.3 does: a perf-event link per site, sockets found through syscall tracepoints. */
  public static final TlsHooks OLDEST = new TlsHooks(UprobeLinks.PER_SITE, SocketHooks.SYSCALL_TRACEPOINTS);

  /** From the command line's {@code --uprobe-links} and {@code --socket-hooks} values. */
  public static TlsHooks parse(String uprobeLinks, String socketHooks) {
    UprobeLinks links = switch (uprobeLinks.toLowerCase(Locale.ROOT)) {
      case "auto" -> UprobeLinks.AUTO;
      case "session" -> UprobeLinks.SESSION;
      case "multi" -> UprobeLinks.MULTI;
      case "per-site" -> UprobeLinks.PER_SITE;
      default -> throw new IllegalArgumentException(
          "--uprobe-links takes auto, session, multi or per-site, not '" + uprobeLinks + "'");
    };
    SocketHooks sockets = switch (socketHooks.toLowerCase(Locale.ROOT)) {
      case "auto" -> SocketHooks.AUTO;
      case "socket" -> SocketHooks.SOCKET_TRACEPOINTS;
      case "syscalls" -> SocketHooks.SYSCALL_TRACEPOINTS;
      default -> throw new IllegalArgumentException(
          "--socket-hooks takes auto, socket or syscalls, not '" + socketHooks + "'");
    };
    return new TlsHooks(links, sockets);
  }
}
