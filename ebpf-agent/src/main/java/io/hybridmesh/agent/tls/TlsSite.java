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
 */
public record TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions, GoRole go) {

  /** Where in a Go function a site is. */
  public enum GoRole { ENTRY, RETURN }

  public TlsSite {
    functions = List.copyOf(functions);
  }

  public TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions) {
    this(write, fileOffset, exConvention, functions, null);
  }

  /** The entry program in bpf/tls_uprobe.bpf.c that reads calls at this site (for Go, its one program). */
  public String entryProgram() {
    if (go != null) {
      return go == GoRole.RETURN ? "hm_go_return" : "hm_go_" + (write ? "write" : "read") + "_enter";
    }
    return "hm_ssl_" + (write ? "write" : "read") + (exConvention ? "_ex" : "");
  }

  /** Its return program; null for Go, whose returns are plain probes on ret instructions. */
  public String returnProgram() {
    return go != null ? null : entryProgram() + "_ret";
  }

  @Override
  public String toString() {
    return String.join("+", functions) + (go == GoRole.RETURN ? ":ret" : "") + "@0x" + Long.toHexString(fileOffset);
  }
}
