package io.hybridmesh.agent.abi;

/**
 * One read or write of plaintext by a watched process ({@code struct hm_tls_event}): a call into its TLS
 * library, read by the uprobes, or (when {@code socket}) a read/write syscall on a plaintext TCP socket, read
 * by the syscall tracepoints. Both go through the same conversations and parsers.
 *
 * <p>{@code data} is the decoder's reusable buffer: valid from index 0 for {@code captured} bytes, and
 * only until the next event is decoded. {@code length} is what the call really moved, which may exceed
 * what was captured (a socket's {@code sendfile} captures nothing).
 *
 * @param ssl what names the connection inside the process: the SSL pointer, or for a socket the kernel's
 *     struct sock address (the two never collide: user and kernel addresses are apart, and {@code socket} is
 *     part of the key anyway)
 * @param tuple the connection, local to remote; {@code null} when the kernel could not find the socket
 * @param socket read at the socket's syscalls (HM_EVENT_SOCK_DATA), not inside a TLS library
 * @param go read at Go's crypto/tls ({@code ssl} is then the {@code *tls.Conn}), not at a TLS library
 */
public record TlsEvent(
    boolean write,
    boolean exForm,
    int endpointId,
    long startNs,
    long endNs,
    long ssl,
    long cgroupId,
    long length,
    int pid,
    int tid,
    String comm,
    FlowTuple tuple,
    byte[] data,
    int captured,
    boolean socket,
    boolean go) {

  /** A call read at a TLS library (OpenSSL's API). */
  public TlsEvent(boolean write, boolean exForm, int endpointId, long startNs, long endNs, long ssl, long cgroupId,
      long length, int pid, int tid, String comm, FlowTuple tuple, byte[] data, int captured) {
    this(write, exForm, endpointId, startNs, endNs, ssl, cgroupId, length, pid, tid, comm, tuple, data, captured,
        false, false);
  }
}
