package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.BpfException;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfObject;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The links of the TLS programs that name each call's socket (bpf/tls_uprobe.bpf.c): the socket tracepoints
 * (Linux 6.3) or, before them, the read/write syscall tracepoints. Of one kind, chosen at load; attached and
 * detached as a whole. Thread-safe.
 */
final class SocketNoteLinks implements SocketNotes {

  private static final Logger LOG = Logger.getLogger(SocketNoteLinks.class.getName());

  /** The socket tracepoints (Linux 6.3) that name the socket a TLS call sends to or receives from. */
  private static final List<String> SOCKET_PROGRAMS = List.of("hm_sock_send", "hm_sock_recv");

  /** Before 6.3: the syscalls whose file descriptor names the socket behind a TLS call. */
  private static final List<String> SYSCALLS =
      List.of("sys_enter_write", "sys_enter_sendto", "sys_enter_read", "sys_enter_recvfrom");

  private final BpfObject object;
  private final SocketHooks kind;
  private final List<BpfLink> links = new ArrayList<>();

  private SocketNoteLinks(BpfObject object, SocketHooks kind) {
    this.object = object;
    this.kind = kind;
  }

  /**
   * Attaches the kind {@code wanted} asks for; with {@link SocketHooks#AUTO}, the syscall tracepoints where the
   * kernel has no socket tracepoints.
   */
  static SocketNoteLinks attach(BpfObject object, SocketHooks wanted) {
    if (wanted != SocketHooks.SYSCALL_TRACEPOINTS) {
      SocketNoteLinks socket = new SocketNoteLinks(object, SocketHooks.SOCKET_TRACEPOINTS);
      try {
        socket.attach();
        return socket;
      } catch (BpfException e) {
        if (wanted == SocketHooks.SOCKET_TRACEPOINTS) {
          throw e;
        }
        LOG.info(() -> "no socket tracepoints (" + e.getMessage().lines().findFirst().orElse("")
            + "; Linux 6.3 brought them): TLS connections are found through the read/write syscall "
            + "tracepoints, which slow every syscall on this node a little");
      }
    }
    SocketNoteLinks syscalls = new SocketNoteLinks(object, SocketHooks.SYSCALL_TRACEPOINTS);
    syscalls.attach();
    return syscalls;
  }

  /** Which tracepoints these are. */
  SocketHooks kind() {
    return kind;
  }

  /** All or none. */
  @Override
  public synchronized void attach() {
    if (!links.isEmpty()) {
      return;
    }
    List<BpfLink> made = new ArrayList<>();
    try {
      if (kind == SocketHooks.SOCKET_TRACEPOINTS) {
        for (String program : SOCKET_PROGRAMS) {
          made.add(object.attachTracing(program));
        }
      } else {
        for (String syscall : SYSCALLS) {
          made.add(object.attachTracepoint("hm_" + syscall.substring(4), "syscalls", syscall));
        }
      }
    } catch (RuntimeException e) {
      made.forEach(BpfLink::close);
      throw e;
    }
    links.addAll(made);
  }

  @Override
  public synchronized void detach() {
    links.forEach(BpfLink::close);
    links.clear();
  }

  @Override
  public synchronized boolean attached() {
    return !links.isEmpty();
  }
}
