package io.hybridmesh.agent.datapath;

import io.hybridmesh.jni.Bpf;
import io.hybridmesh.jni.BpfLink;
import io.hybridmesh.jni.BpfMap;
import io.hybridmesh.jni.BpfObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Plaintext read at TCP sockets ({@code bpf/sock_plain.bpf.c}): one loaded object whose hooks are attached
 * and detached on demand ({@link #attach()}, {@link #detach()}), because while they are attached they run for
 * the socket I/O (or, on kernels before 6.3, every syscall) of every process on the node. It reports through
 * the ring buffer and counters it is given, and shares with the TLS programs, when they are loaded, the
 * watched network namespaces and the TLS calls in flight (so that it never reads a TLS call's ciphertext).
 */
public final class PlaintextDatapath implements PlaintextProbes, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(PlaintextDatapath.class.getName());

  /** How each socket was classified ({@code struct hm_sock_state} by struct sock address). */
  public static final String SOCK_STATES = "hm_sock_states";

  /** The maps this object takes from the TLS object when that is loaded (see {@code hm_task.h}). */
  public static final List<String> SHARED_WITH_TLS = List.of(TlsDatapath.WATCHED_NETNS, "hm_tls_calls");

  /** Which programs read the sockets: the sets do the same work (see {@code sock_plain.bpf.c}). */
  public enum Hooks {
    /**
     * The socket tracepoints ({@code sock_recv_length}, {@code sock_send_length}; Linux 6.3): one program
     * run per receive and per send of a socket, the call's buffer from its syscall's saved registers; no
     * program on other syscalls, and no syscall on the node put on the kernel's traced path.
     */
    SOCKET_TRACEPOINTS,
    /**
     * {@code sys_enter} and {@code sys_exit} raw tracepoints (tp_btf), switching on the syscall number: one
     * program runs at every syscall of the node, and returns at once for all but reads and writes.
     */
    RAW_SYSCALLS,
    /** One program on each read and write syscall's own tracepoints ({@code syscalls:sys_enter_read}, ...). */
    PER_SYSCALL
  }

  private static final List<String> RAW = List.of("hm_plain_sys_enter", "hm_plain_sys_exit");
  private static final List<String> SOCKET = List.of("hm_plain_sock_recv", "hm_plain_sock_send");
  /** Forgets a socket's verdict when it closes; with either set. */
  private static final String SOCKET_CLOSED = "hm_plain_sock_closed";
  private static final List<String> SYSCALLS = List.of("read", "write", "readv", "writev", "recvfrom", "sendto",
      "recvmsg", "sendmsg", "sendfile64");

  private final BpfObject object;
  private final Hooks hooks;
  private final List<BpfLink> links = new ArrayList<>();

  /**
   * Loads the programs of {@code hooks} (the other set is left out of the load); nothing is attached yet.
   *
   * @param shared maps to take from the TLS object, by name ({@link #SHARED_WITH_TLS}); empty when TLS is
   *     not read, and this object makes its own
   */
  public PlaintextDatapath(Bpf bpf, byte[] elf, EventOutput output, Map<String, BpfMap> shared,
      Hooks hooks) {
    this.hooks = hooks;
    BpfObject o = bpf.open("sock_plain", elf);
    try {
      output.shareWith(o);
      shared.forEach(o::reuseMap);
      for (String p : RAW) {
        o.setProgramAutoload(p, hooks == Hooks.RAW_SYSCALLS);
      }
      for (String p : SOCKET) {
        o.setProgramAutoload(p, hooks == Hooks.SOCKET_TRACEPOINTS);
      }
      for (String s : SYSCALLS) {
        o.setProgramAutoload("hm_plain_enter_" + s, hooks == Hooks.PER_SYSCALL);
        o.setProgramAutoload("hm_plain_exit_" + s, hooks == Hooks.PER_SYSCALL);
      }
      o.load();
    } catch (RuntimeException e) {
      o.close();
      throw e;
    }
    this.object = o;
  }

  public Hooks hooks() {
    return hooks;
  }

  @Override
  public synchronized void attach() {
    if (!links.isEmpty()) {
      return;
    }
    try {
      links.add(object.attachTracing(SOCKET_CLOSED));
      if (hooks != Hooks.PER_SYSCALL) {
        for (String p : hooks == Hooks.RAW_SYSCALLS ? RAW : SOCKET) {
          links.add(object.attachTracing(p));
        }
      } else {
        for (String s : SYSCALLS) {
          links.add(object.attachTracepoint("hm_plain_enter_" + s, "syscalls", "sys_enter_" + s));
          links.add(object.attachTracepoint("hm_plain_exit_" + s, "syscalls", "sys_exit_" + s));
        }
      }
    } catch (RuntimeException e) {
      detach();
      throw e;
    }
    LOG.info(() -> "plaintext socket hooks attached (" + hooks + ")");
  }

  @Override
  public synchronized void detach() {
    if (links.isEmpty()) {
      return;
    }
    for (BpfLink l : links) {
      try {
        l.close();
      } catch (RuntimeException e) {
        LOG.fine(() -> "detaching a plaintext socket hook: " + e.getMessage());
      }
    }
    links.clear();
    LOG.info("plaintext socket hooks detached");
  }

  @Override
  public synchronized boolean attached() {
    return !links.isEmpty();
  }

  /** Writes the shared map too when TLS is read: the same entry again, harmless. */
  @Override
  public void watchNetns(long netnsInode, int endpointId) {
    object.map(TlsDatapath.WATCHED_NETNS).update(NativeBytes.u32((int) netnsInode), NativeBytes.u32(endpointId),
        BpfMap.ANY);
  }

  @Override
  public void unwatchNetns(long netnsInode) {
    object.map(TlsDatapath.WATCHED_NETNS).delete(NativeBytes.u32((int) netnsInode));
  }

  /** How each watched socket was classified. */
  public BpfMap sockStates() {
    return object.map(SOCK_STATES);
  }

  @Override
  public synchronized void close() {
    detach();
    object.close();
  }
}
