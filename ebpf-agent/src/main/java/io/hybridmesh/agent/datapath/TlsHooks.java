package io.hybridmesh.agent.datapath;

import java.util.Locale;

/**
 * How the TLS programs hook into processes and the kernel: the uprobe links of each process, and the
 * tracepoints that name each call's socket. {@link #AUTO} takes the best the kernel has; the others exist
 * to run, on a new kernel, the paths older kernels take.
 */
public record TlsHooks(UprobeLinks uprobes, SocketHooks sockets) {

  public static final TlsHooks AUTO = new TlsHooks(UprobeLinks.AUTO, SocketHooks.AUTO);

  /** What a kernel before 6.3 does: a perf-event link per site, sockets found through syscall tracepoints. */
  public static final TlsHooks OLDEST = new TlsHooks(UprobeLinks.PER_SITE, SocketHooks.SYSCALL_TRACEPOINTS);

  /** From the command line's {@code --uprobe-links} and {@code --socket-hooks} values. */
  public static TlsHooks parse(String uprobeLinks, String socketHooks) {
    UprobeLinks links = switch (uprobeLinks.toLowerCase(Locale.ROOT)) {
      case "auto" -> UprobeLinks.AUTO;
      case "multi" -> UprobeLinks.MULTI;
      case "per-site" -> UprobeLinks.PER_SITE;
      default -> throw new IllegalArgumentException(
          "--uprobe-links takes auto, multi or per-site, not '" + uprobeLinks + "'");
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
