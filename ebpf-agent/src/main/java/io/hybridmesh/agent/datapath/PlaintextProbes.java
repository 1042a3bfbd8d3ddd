package io.hybridmesh.agent.datapath;

/**
 * The plaintext socket hooks as the rest of the agent drives them (so that the policy of when they are attached
 * can be tested without a kernel): scoped to watched network namespaces, attached and detached as a whole.
 */
public interface PlaintextProbes {

  /** Attaches the socket hooks when they are not attached already. */
  void attach();

  /** Detaches them: the node's socket I/O (and, before Linux 6.3, its syscalls) run without them again. */
  void detach();

  boolean attached();

  /** Reads the sockets of tasks in this network namespace, as this endpoint. */
  void watchNetns(long netnsInode, int endpointId);

  void unwatchNetns(long netnsInode);
}
