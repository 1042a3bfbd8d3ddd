package io.hybridmesh.agent.probe.go;

/**
 * How the BPF programs go from a {@code *tls.Conn} to the file descriptor of its socket, three loads:
 *
 * <pre>
 *   tcpConn = *(tlsConn + connData)       the data word of the net.Conn interface in tls.Conn.conn
 *   netFD   = *(tcpConn + tcpConnFd)      net.TCPConn embeds net.conn, whose fd is a *netFD
 *   fd      = *(netFD + netFdSysfd)       netFD.pfd (a poll.FD) holds Sysfd, an int
 * </pre>
 *
 * The second and third hold when the interface's dynamic type is {@code *net.TCPConn} (or
 * {@code *net.UnixConn}, which has the same shape); the kernel side checks that the result is a TCP socket.
 *
 * @param source where they come from: "DWARF" (the binary's own debug information) or "table go1.22" (the
 *     project's table, {@link GoOffsetTable})
 */
public record GoStructOffsets(int connData, int tcpConnFd, int netFdSysfd, String source) {

  /** Larger than any of these structs: an offset past it is a lie. */
  static final int MAX_OFFSET = 4096;

  public GoStructOffsets {
    if (connData < 0 || tcpConnFd < 0 || netFdSysfd < 0 || connData > MAX_OFFSET || tcpConnFd > MAX_OFFSET
        || netFdSysfd > MAX_OFFSET) {
      throw new IllegalArgumentException("struct offsets out of range: " + connData + ", " + tcpConnFd + ", "
          + netFdSysfd);
    }
  }

  /** The same offsets, as a person reads them. */
  public String describe() {
    return "tls.Conn.conn data at +" + connData + ", TCPConn.fd at +" + tcpConnFd + ", netFD.pfd.Sysfd at +"
        + netFdSysfd + " (" + source + ")";
  }
}
