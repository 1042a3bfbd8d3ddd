package io.hybridmesh.agent.datapath;

/**
 * Which tracepoints tell the TLS programs the socket a TLS call sends to or receives from (its connection's
 * addresses). Both run inside the call, between the entry and return probes.
 */
public enum SocketHooks {
  /** {@link #SOCKET_TRACEPOINTS} where the kernel has them (Linux 6.3), else {@link #SYSCALL_TRACEPOINTS}. */
  AUTO,
  /**
   * {@code sock:sock_send_length} and {@code sock:sock_recv_length}: they run for socket sends and receives
   * only, and name the socket itself.
   */
  SOCKET_TRACEPOINTS,
  /**
   * The {@code read}, {@code write}, {@code sendto} and {@code recvfrom} syscall tracepoints, as on kernels
   * before 6.3: they name a descriptor, followed to its socket. While any syscall tracepoint is attached,
   * every syscall of every process on the node takes the kernel's traced (slower) entry and exit path.
   */
  SYSCALL_TRACEPOINTS
}
