package io.hybridmesh.agent.probe.binary;

import io.hybridmesh.agent.probe.go.GoTls;
import io.hybridmesh.agent.probe.go.GoTlsFunction;
import io.hybridmesh.agent.probe.site.ProbeCost;
import io.hybridmesh.agent.probe.site.ProbeSite;

/** The sentence that says how a Go binary's crypto/tls is read: release, how found, sites and costs. */
final class GoReasons {

  private GoReasons() {}

  static String stack(String where, TlsLibrary t) {
    GoTls go = t.go();
    StringBuilder b = new StringBuilder(where).append(": Go ")
        .append(t.version() == null ? "(release unknown)" : t.version()).append(" with crypto/tls compiled in");
    if (go == null || go.functionsFrom() == null) {
      return b.append('.').toString();
    }
    b.append("; crypto/tls.(*Conn).Write and Read found through ")
        .append(GoTls.FROM_SYMBOLS.equals(go.functionsFrom()) ? ".symtab" : ".gopclntab (the binary is stripped)");
    for (GoTlsFunction f : go.functions()) {
      ProbeSite e = f.entry();
      b.append("; ").append(f.write() ? "Write" : "Read").append(": entry probe on ").append(e.instruction())
          .append(e.offset() == f.entryOffset() ? "" : " at +0x" + Long.toHexString(e.offset() - f.entryOffset()))
          .append(" (").append(e.cost()).append("), ").append(f.returns().size()).append(" return probe")
          .append(f.returns().size() == 1 ? "" : "s").append(" on ret (")
          .append(f.returns().stream().allMatch(r -> r.cost() == ProbeCost.EMULATED) ? "EMULATED" : "SINGLE_STEPPED")
          .append(')');
    }
    b.append("; no uretprobes, because Go moves goroutine stacks and a replaced return address would crash it");
    if (go.offsets() != null) {
      b.append("; the socket of each *tls.Conn through ").append(go.offsets().describe());
    }
    go.notes().forEach(n -> b.append("; ").append(n));
    return b.append('.').toString();
  }
}
