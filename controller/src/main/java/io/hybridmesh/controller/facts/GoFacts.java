package io.hybridmesh.controller.facts;

import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.decision.ReasonCode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the agent's probe says of a Go binary, for the decision: its release, how Write and Read were found,
 * where the struct offsets came from, BoringCrypto; and, when the agent refused to probe it, its reason.
 */
final class GoFacts {

  private GoFacts() {}

  static Inputs.Container withGo(Inputs.Container c, ContainerProbe probe) {
    if (c.probeKind() != ProbeKind.GO_CRYPTO_TLS) {
      return c;
    }
    Inputs.Refusal refusal = probe.refusals().stream()
        .filter(r -> r.code().startsWith("GO_"))
        .map(r -> new Inputs.Refusal(code(r.code()), r.message()))
        .filter(r -> r.code() != null).findFirst().orElse(null);
    return new Inputs.Container(c.name(), c.library(), c.probeKind(), c.targetsResolved(), refusal, detail(probe));
  }

  /** "go1.22.5, BoringCrypto; Write and Read from .gopclntab; struct offsets from the table go1.22". */
  static String detail(ContainerProbe p) {
    List<String> parts = new ArrayList<>();
    if (p.goVersion() != null) {
      parts.add(p.goVersion() + (p.goBoringCrypto() ? ", BoringCrypto (TLS still in Go code)" : ""));
    }
    if (p.goFunctionsFrom() != null) {
      parts.add("Write and Read found through " + ("SYMBOLS".equals(p.goFunctionsFrom()) ? ".symtab"
          : ".gopclntab (stripped)"));
    }
    if (p.goStructOffsets() != null) {
      parts.add("struct offsets from " + (p.goStructOffsets().equals("DWARF") ? "its DWARF" : "the " + p.goStructOffsets()));
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  private static ReasonCode code(String name) {
    try {
      return ReasonCode.valueOf(name);
    } catch (IllegalArgumentException newerAgent) {
      return null; // a code this controller does not know yet: the generic reasons apply
    }
  }
}
