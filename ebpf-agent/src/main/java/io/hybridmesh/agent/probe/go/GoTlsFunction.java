package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.site.GoDeferredUnlock;
import io.hybridmesh.agent.probe.site.ProbeSite;
import java.util.List;

/**
 * One of {@code crypto/tls.(*Conn).Write} and {@code Read}, placed and ready to probe.
 *
 * @param write whether it is Write (plaintext sent) rather than Read (plaintext received)
 * @param entryOffset the function's entry as a file offset
 * @param size its length in bytes
 * @param entry where its arguments are read
 * @param returns the {@code ret}s where its results are read: all of them, or for Read those that
 *     {@code unlock} does not stand for
 * @param unlock for Read, its deferred unlock closure, where the results of most of its returns are read;
 *     null when not found or not proven ({@link GoDeferredUnlock})
 */
public record GoTlsFunction(String name, boolean write, long entryOffset, long size, ProbeSite entry,
    List<ProbeSite> returns, GoDeferredUnlock.Unlock unlock) {

  public GoTlsFunction {
    returns = List.copyOf(returns);
  }

  public GoTlsFunction(String name, boolean write, long entryOffset, long size, ProbeSite entry,
      List<ProbeSite> returns) {
    this(name, write, entryOffset, size, entry, returns, null);
  }
}
