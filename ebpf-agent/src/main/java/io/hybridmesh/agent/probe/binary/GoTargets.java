package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.agent.probe.go.GoTlsFunction;
import io.hybridmesh.agent.probe.site.ProbeSite;
import java.util.ArrayList;
import java.util.List;

/**
 * The probe targets of Go's crypto/tls as reports list them: for each of Write and Read, one target for its
 * entry (named by the function) and one for each of its returns, named {@code function+0xN} by where the
 * {@code ret} sits in it, each with the instruction probed and its cost; Read's deferred unlock closure, named
 * as the function table names it, where it stands for most of Read's returns. When the binary is refused, Write
 * and Read are listed unresolved with the reason, and nothing is attached.
 */
final class GoTargets {

  private GoTargets() {}

  static List<UprobeTarget> of(GraphNode n) {
    GoTls go = n.facts().goTls();
    List<UprobeTarget> out = new ArrayList<>();
    if (go == null || !go.probeable()) {
      String why = go != null ? go.refusalReason() : n.facts().goProblem() != null ? n.facts().goProblem()
          : "the function is in neither .symtab nor .gopclntab: the program does not link crypto/tls's "
              + "connection type";
      for (String s : TlsSymbols.GO) {
        out.add(UprobeTarget.unresolved(s, n.display(), why));
      }
      return out;
    }
    for (GoTlsFunction f : go.functions()) {
      out.add(at(f.name(), n.display(), f.entryOffset(), f.entry()));
      for (ProbeSite r : f.returns()) {
        ProbeSite shown = !f.write() ? r : new ProbeSite(r.offset(), r.instruction(), r.cost(), r.reason()
            + "; attached only where the kernel lacks the socket tracepoints (before 6.3): with them a Write is "
            + "reported at its first successful send and no ret of Write is probed");
        out.add(at(f.name() + "+0x" + Long.toHexString(r.offset() - f.entryOffset()), n.display(),
            f.entryOffset(), shown));
      }
      if (f.unlock() != null) {
        out.add(at(f.unlock().closure(), n.display(), f.unlock().closureEntry(), f.unlock().site()));
      }
    }
    for (GoTlsFunction f : go.handshakes()) {
      ProbeSite h = f.entry();
      out.add(at(f.name(), n.display(), f.entryOffset(), new ProbeSite(h.offset(), h.instruction(), h.cost(),
          "once per connection, where its handshake begins: the socket it receives from names the connection "
          + "for its first Read. " + h.reason())));
    }
    return out;
  }

  private static UprobeTarget at(String symbol, String file, long entry, ProbeSite site) {
    return UprobeTarget.resolved(symbol, file, entry).at(site.offset(), site.instruction(), site.cost(),
        site.reason());
  }
}
