package io.hybridmesh.cli;

import io.hybridmesh.agent.probe.binary.ProbeResult;
import io.hybridmesh.agent.probe.binary.UprobeTarget;
import io.hybridmesh.api.v1alpha1.KernelFeature;
import io.hybridmesh.controller.decision.Decision;
import io.hybridmesh.controller.decision.DecisionEngine;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import io.hybridmesh.controller.decision.NodeFacts;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The verdict {@code hmesh probe} prints for a binary: what the decision engine picks in auto mode on a
 * fully capable kernel, with the probe kinds the agent supports today.
 */
public final class ProbeVerdicts {

  /**
   * What the agent reads today: OpenSSL's API wherever SSL_write and SSL_read resolve (a libssl, a
   * dlopen'ed one, or an executable with OpenSSL or BoringSSL linked in). Plaintext HTTP at the socket,
   * GnuTLS, NSS and Go are not read yet.
   */
  public static final Set<ProbeKind> AGENT_SUPPORTS = EnumSet.of(ProbeKind.OPENSSL, ProbeKind.BORINGSSL_SYMBOLS);

  private static final NodeFacts CAPABLE_NODE =
      new NodeFacts("capable", "any", EnumSet.allOf(KernelFeature.class), false);

  private ProbeVerdicts() {}

  static Decision decide(ProbeResult r) {
    Inputs.Container c = container(r);
    return DecisionEngine.decide(new Inputs(Inputs.Mode.AUTO, Inputs.Fallback.SIDECAR, List.of(CAPABLE_NODE),
        List.of(c), AGENT_SUPPORTS));
  }

  public static Inputs.Container container(ProbeResult r) {
    String name = r.path();
    boolean resolved = resolved(r, "SSL_write") && resolved(r, "SSL_read");
    return switch (r.library()) {
      case NONE -> new Inputs.Container(name, "NONE", ProbeKind.PLAINTEXT, true);
      case OPENSSL -> new Inputs.Container(name, "OPENSSL", ProbeKind.OPENSSL, resolved);
      case BORINGSSL -> resolved
          ? new Inputs.Container(name, "BORINGSSL", ProbeKind.BORINGSSL_SYMBOLS, true)
          : new Inputs.Container(name, "UNKNOWN", null, false); // stripped BoringSSL: nothing to probe
      case GNUTLS -> new Inputs.Container(name, "GNUTLS", ProbeKind.GNUTLS,
          resolved(r, "gnutls_record_send") && resolved(r, "gnutls_record_recv"));
      case NSS -> new Inputs.Container(name, "NSS", ProbeKind.NSS, resolved(r, "PR_Write") && resolved(r, "PR_Read"));
      case GO_CRYPTO_TLS -> new Inputs.Container(name, "GO_CRYPTO_TLS", ProbeKind.GO_CRYPTO_TLS,
          r.uprobeTargets().stream().anyMatch(UprobeTarget::isResolved));
      case JSSE, RUSTLS, UNKNOWN -> new Inputs.Container(name, r.library().name(), null, false);
    };
  }

  private static boolean resolved(ProbeResult r, String symbol) {
    return r.uprobeTargets().stream().anyMatch(t -> t.symbol().equals(symbol) && t.isResolved());
  }
}
