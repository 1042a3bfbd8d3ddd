package io.hybridmesh.agent.datapath;

/**
 * The TLS probes' socket notes as the rest of the agent drives them (so that when they are attached can be
 * tested without a kernel): the tracepoints that name the socket each TLS call sends to or receives from
 * ({@link SocketHooks}), attached and detached as a whole, always of the kind chosen at load.
 */
public interface SocketNotes {

  /** Attaches them when they are not attached already. */
  void attach();

  /** Detaches them: the node's socket I/O (before Linux 6.3, its reads and writes) runs without them again. */
  void detach();

  boolean attached();
}
