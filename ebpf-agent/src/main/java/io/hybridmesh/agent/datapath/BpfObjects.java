package io.hybridmesh.agent.datapath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The BPF objects the build packages in the agent's jar. */
public final class BpfObjects {

  public static final String TC_FLOW = "tc_flow.bpf.o";
  /** The same programs without BPF atomics, for kernels before 5.12 (see {@link TcDatapath}). */
  public static final String TC_FLOW_NO_ATOMICS = "tc_flow_noatomics.bpf.o";
  public static final String TLS_UPROBE = "tls_uprobe.bpf.o";
  /** Plaintext read at TCP sockets' syscalls. */
  public static final String SOCK_PLAIN = "sock_plain.bpf.o";
  /** Programs that do nothing, for measuring what a uprobe hit costs on this node. */
  public static final String UPROBE_CALIBRATE = "uprobe_calibrate.bpf.o";

  private BpfObjects() {}

  /** The ELF bytes of a packaged object. */
  public static byte[] load(String name) {
    try (InputStream in = BpfObjects.class.getResourceAsStream("/io/hybridmesh/agent/bpf/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the agent's jar; rebuild with 'make build'");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + " from the agent's jar", e);
    }
  }
}
