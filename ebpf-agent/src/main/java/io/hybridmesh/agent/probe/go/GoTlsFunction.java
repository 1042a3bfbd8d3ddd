package io.hybridmesh.agent.probe.go;

import io.hybridmesh.agent.probe.site.ProbeSite;
import java.util.List;

/**
 * One of {@code crypto/tls.(*Conn).Write} and {@code Read}, placed and ready to probe.
 *
 * @param write whether it is Write (plaintext sent) rather than Read (plaintext received)
 * @param entryOffset the function's entry as a file offset
 * @param size its length in bytes
 * @param entry where its arguments are read
 * @param returns every {@code ret}, where its results are read
 */
public record GoTlsFunction(String name, boolean write, long entryOffset, long size, ProbeSite entry,
    List<ProbeSite> returns) {

  public GoTlsFunction {
    returns = List.copyOf(returns);
  }
}
