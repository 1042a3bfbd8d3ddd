package io.hybridmesh.agent.probe.go;

import java.util.Map;
import java.util.Optional;

/**
 * The struct offsets of {@link GoStructOffsets} for Go releases whose binaries carry no DWARF (stripped with
 * {@code -ldflags=-s -w}, as most release builds are). Only releases with a test behind them are listed: a
 * binary of any other release gets {@code GO_VERSION_UNKNOWN_OFFSETS}, never a guess.
 *
 * <p>The facts the rows were built from. The layout is the same in every row:
 *
 * <pre>
 * crypto/tls/conn.go      type Conn struct { conn net.Conn; ... }     conn first: the interface at +0, its
 *                                                                       two words {itab, data}: data at +8
 * net/tcpsock.go          type TCPConn struct { conn }                the embedded conn at +0
 * net/net.go              type conn struct { fd *netFD }              fd at +0
 * net/fd_posix.go         type netFD struct { pfd poll.FD; ... }      pfd at +0
 * internal/poll/fd_unix.go type FD struct { fdmu fdMutex; Sysfd int; ... }
 * internal/poll/fd_mutex.go type fdMutex struct { state uint64; rsema uint32; wsema uint32 }
 *                                                                     16 bytes, so Sysfd at +16
 * </pre>
 *
 * <p>How each row is known (the tests named here fail if the row is wrong):
 *
 * <ul>
 *   <li>go1.19: the definitions above read in Debian's golang-1.19 sources (1.19.8,
 *       /usr/lib/go-1.19/src); the DWARF of a program built with it agrees (GoOffsetTableTest); the kernel
 *       tests read real connections of Go 1.19 servers and clients with DWARF stripped (GoTlsKernelIT).
 *   <li>go1.22: not read from source (none on the build machine); kubectl 1.27, built with go1.22.5 and
 *       stripped, is run against a TLS server under the probes and its L7 flows carry the 5-tuple of its
 *       socket, which only these offsets give (GoReleasesKernelIT; a wrong Sysfd offset fails it).
 *   <li>go1.23: likewise with kubectl 1.30-1.32, built with go1.23.8 (GoReleasesKernelIT).
 *   <li>go1.24: the DWARF of Docker's CLI 28 (built with go1.24.3, cgo, unstripped) agrees
 *       (GoOffsetTableTest); kubectl 1.33 (go1.24.2, stripped) under the probes (GoReleasesKernelIT).
 * </ul>
 *
 * <p>Not listed, for want of a binary to test them with on the build machine: go1.17, go1.18, go1.20,
 * go1.21, go1.25. The definitions above are believed unchanged there, but belief is not a test.
 */
public final class GoOffsetTable {

  private static final GoStructOffsets LAYOUT_19_TO_24 = new GoStructOffsets(8, 0, 16, "table");

  private static final Map<String, GoStructOffsets> ROWS = Map.of(
      "go1.19", LAYOUT_19_TO_24,
      "go1.22", LAYOUT_19_TO_24,
      "go1.23", LAYOUT_19_TO_24,
      "go1.24", LAYOUT_19_TO_24);

  private GoOffsetTable() {}

  /** The offsets for this release line, or empty when the table has no row for it. */
  public static Optional<GoStructOffsets> lookup(GoVersion v) {
    GoStructOffsets o = ROWS.get(v.line());
    return o == null ? Optional.empty() : Optional.of(new GoStructOffsets(o.connData(), o.tcpConnFd(),
        o.netFdSysfd(), "table " + v.line()));
  }

  /** The release lines the table claims, for reports ("go1.19, go1.22, go1.23, go1.24"). */
  public static String claimed() {
    return String.join(", ", ROWS.keySet().stream().sorted().toList());
  }
}
