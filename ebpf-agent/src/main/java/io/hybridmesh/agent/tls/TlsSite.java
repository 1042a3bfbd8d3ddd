package io.hybridmesh.agent.tls;

import java.util.List;

/**
 * One place in a file where an entry and a return probe go: the file offset probed, whether the calls seen
 * there write or read, and the calling convention the BPF programs must read them with. For Go's crypto/tls
 * ({@code go} set) a site is one probe only: a function's entry, or one of its {@code ret} instructions.
 *
 * @param exConvention the function has SSL_write_ex's shape ({@code (ssl, buf, num, size_t *out)}, 1 on
 *     success): the _ex forms themselves, or the internal function both forms call
 * @param functions the API functions whose calls this one site sees
 * @param go for Go: whether this is where a call begins or where it returns; null for TLS libraries
 * @param readFrame for Go's {@link GoRole#READ_UNLOCK}: where Read's frame keeps n and the closure; else null
 */
public record TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions, GoRole go,
    ReadFrame readFrame) {

  /** Where in a Go function a site is. */
  public enum GoRole {
    ENTRY,
    RETURN,
    /** Read's deferred unlock closure, which most of Read's returns run first (GoDeferredUnlock). */
    READ_UNLOCK,
    /** Where a connection's handshake begins: its socket, named there, stands for the connection's first Read. */
    HANDSHAKE
  }

  /** Offsets from Read's stack pointer, while its deferred unlock runs, of n and of the closure pointer. */
  public record ReadFrame(int resultSlot, int closureSlot) {}

  public TlsSite {
    functions = List.copyOf(functions);
    if ((go == GoRole.READ_UNLOCK) != (readFrame != null)) {
      throw new IllegalArgumentException("a read frame goes with Read's unlock site, and only there");
    }
  }

  public TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions, GoRole go) {
    this(write, fileOffset, exConvention, functions, go, null);
  }

  public TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions) {
    this(write, fileOffset, exConvention, functions, null, null);
  }

  /**
   * OpenSSL's SSL_set_fd, where an application ties its socket to an SSL object: a site with an entry probe
   * only, once per connection, that remembers the connection for the SSL pointer (bpf/include/hm_tls_conn.h
   * remember_fd), so that calls the library serves from its buffer have their addresses too.
   */
  public static final String SET_FD = io.hybridmesh.api.annotation.UprobeTargetEntry.SSL_SET_FD;

  /** The SSL_set_fd site of a file, at {@code fileOffset}. */
  public static TlsSite setFd(long fileOffset) {
    return new TlsSite(false, fileOffset, false, List.of(SET_FD));
  }

  /** Whether this is an SSL_set_fd site ({@link #SET_FD}): an entry probe only, reporting no calls. */
  public boolean bindsSocket() {
    return go == null && functions.equals(List.of(SET_FD));
  }

  /** The entry program in bpf/tls_uprobe.bpf.c that reads calls at this site (for Go, its one program). */
  public String entryProgram() {
    if (go != null) {
      return switch (go) {
        case RETURN -> "hm_go_return";
        case READ_UNLOCK -> "hm_go_read_unlock";
        case HANDSHAKE -> "hm_go_handshake_enter";
        case ENTRY -> "hm_go_" + (write ? "write" : "read") + "_enter";
      };
    }
    if (bindsSocket()) {
      return "hm_ssl_set_fd";
    }
    return "hm_ssl_" + (write ? "write" : "read") + (exConvention ? "_ex" : "");
  }

  /** Its return program; null for Go, whose returns are plain probes on ret instructions, and SSL_set_fd. */
  public String returnProgram() {
    return go != null || bindsSocket() ? null : entryProgram() + "_ret";
  }

  @Override
  public String toString() {
    return String.join("+", functions) + (go == GoRole.RETURN ? ":ret" : go == GoRole.READ_UNLOCK ? ":unlock"
        : go == GoRole.HANDSHAKE ? ":handshake" : "") + "@0x" + Long.toHexString(fileOffset);
  }
}
