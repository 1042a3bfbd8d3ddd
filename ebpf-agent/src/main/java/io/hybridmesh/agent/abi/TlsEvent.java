package io.hybridmesh.agent.abi;

/**
 * One TLS read or write of a watched process ({@code struct hm_tls_event}).
 *
 * <p>{@code data} is the decoder's reusable buffer: valid from index 0 for {@code captured} bytes, and
 * only until the next event is decoded. {@code length} is what the call really moved, which may exceed
 * what was captured.
 *
 * @param tuple the connection, local to remote; {@code null} when the kernel could not find the socket
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
    boolean go) {

  /** A call read at a TLS library (OpenSSL's API). */
  public TlsEvent(boolean write, boolean exForm, int endpointId, long startNs, long endNs, long ssl, long cgroupId,
      long length, int pid, int tid, String comm, FlowTuple tuple, byte[] data, int captured) {
    this(write, exForm, endpointId, startNs, endNs, ssl, cgroupId, length, pid, tid, comm, tuple, data, captured,
        false);
  }
}
