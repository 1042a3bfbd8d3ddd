package io.hybridmesh.agent.runtime;

import io.hybridmesh.agent.datapath.PlaintextProbes;
import io.hybridmesh.agent.datapath.PlaintextMode;
import io.hybridmesh.agent.tls.TlsProcessWatch;
import io.hybridmesh.jni.BpfException;
import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The network namespaces the node watches, told to every task-side program set: the TLS probes (which follow
 * the processes of those namespaces) and the plaintext socket hooks. With {@link PlaintextMode#AUTO} the
 * socket hooks are attached while at least one namespace is watched and detached when none is: while they
 * are attached every syscall on the node takes the kernel's traced path, so a node that watches nothing
 * should not pay for them.
 */
public final class WatchedNamespaces {

  private static final Logger LOG = Logger.getLogger(WatchedNamespaces.class.getName());

  private final TlsProcessWatch tls;
  private final PlaintextProbes plaintext;
  private final PlaintextMode mode;
  private final Set<Long> watched = new HashSet<>();

  /**
   * @param tls null when TLS is not read
   * @param plaintext null when plaintext is not read; with {@link PlaintextMode#ON}, attached here
   */
  public WatchedNamespaces(TlsProcessWatch tls, PlaintextProbes plaintext, PlaintextMode mode) {
    this.tls = tls;
    this.plaintext = plaintext;
    this.mode = mode;
    if (plaintext != null && mode == PlaintextMode.ON) {
      plaintext.attach();
    }
  }

  public synchronized void watch(long netnsInode, int endpointId) {
    if (tls != null) {
      tls.watch(netnsInode, endpointId);
    }
    if (plaintext != null) {
      plaintext.watchNetns(netnsInode, endpointId);
    }
    if (watched.add(netnsInode) && plaintext != null && mode == PlaintextMode.AUTO) {
      try {
        plaintext.attach();
      } catch (BpfException e) {
        LOG.warning("plaintext HTTP cannot be read at the sockets of this node (" + e.getMessage() + "); "
            + "connections and HTTP inside TLS go on");
      }
    }
  }

  public synchronized void unwatch(long netnsInode) {
    if (tls != null) {
      tls.unwatch(netnsInode);
    }
    if (plaintext != null) {
      plaintext.unwatchNetns(netnsInode);
    }
    if (watched.remove(netnsInode) && watched.isEmpty() && plaintext != null && mode == PlaintextMode.AUTO) {
      plaintext.detach();
    }
  }

  /** Namespaces watched now. */
  public synchronized int size() {
    return watched.size();
  }
}
