package io.hybridmesh.agent.tls;

import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.agent.probe.go.GoTlsFunction;
import io.hybridmesh.agent.probe.site.ProbeSite;
import io.hybridmesh.agent.tls.TlsSite.GoRole;
import java.util.ArrayList;
import java.util.List;

/**
 * The sites of a Go binary's crypto/tls: each function's entry, each of its probed returns, Read's deferred
 * unlock where it was proven, and the handshakes' entries. Pure.
 */
public final class GoSites {

  private GoSites() {}

  /** Empty when the binary is refused (its offsets unknown, its code not trusted): nothing is attached then. */
  public static List<TlsSite> of(GoTls go) {
    List<TlsSite> out = new ArrayList<>();
    if (go == null || !go.probeable()) {
      return out;
    }
    for (GoTlsFunction f : go.functions()) {
      out.add(new TlsSite(f.write(), f.entry().offset(), false, List.of(f.name()), GoRole.ENTRY));
      for (ProbeSite r : f.returns()) {
        out.add(new TlsSite(f.write(), r.offset(), false, List.of(f.name()), GoRole.RETURN));
      }
      if (f.unlock() != null) {
        out.add(new TlsSite(false, f.unlock().site().offset(), false, List.of(f.name()), GoRole.READ_UNLOCK,
            new TlsSite.ReadFrame(f.unlock().resultSlot(), f.unlock().closureSlot())));
      }
    }
    for (GoTlsFunction h : go.handshakes()) {
      out.add(new TlsSite(false, h.entry().offset(), false, List.of(h.name()), GoRole.HANDSHAKE));
    }
    return out;
  }
}
