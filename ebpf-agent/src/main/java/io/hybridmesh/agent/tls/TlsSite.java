package io.hybridmesh.agent.tls;

import java.util.List;

/**
 * One place in a file where an entry and a return probe go: the file offset probed, whether the calls seen
 * there write or read, and the calling convention the BPF programs must read them with.
 *
 * @param exConvention the function has SSL_write_ex's shape ({@code (ssl, buf, num, size_t *out)}, 1 on
 *     success): the _ex forms themselves, or the internal function both forms call
 * @param functions the API functions whose calls this one site sees
 */
public record TlsSite(boolean write, long fileOffset, boolean exConvention, List<String> functions) {

  public TlsSite {
    functions = List.copyOf(functions);
  }

  /** The entry program in bpf/tls_uprobe.bpf.c that reads calls at this site. */
  public String entryProgram() {
    return "hm_ssl_" + (write ? "write" : "read") + (exConvention ? "_ex" : "");
  }

  /** Its return program. */
  public String returnProgram() {
    return entryProgram() + "_ret";
  }

  @Override
  public String toString() {
    return String.join("+", functions) + "@0x" + Long.toHexString(fileOffset);
  }
}
