package io.hybridmesh.controller.decision;

import io.hybridmesh.api.annotation.ObservedPorts;
import io.hybridmesh.controller.decision.Decision.Reason;
import io.hybridmesh.controller.decision.Inputs.Container;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import java.util.List;
import java.util.Set;

/** Whether the kernel can read one container's L7, and the reason, in a sentence. */
record ContainerVerdict(boolean readable, boolean appDoesTls, Reason reason) {

  private static final String FALLBACK_HINT = " Set hybridmesh.io/fallback: none to keep it on eBPF at L4 "
      + "without a sidecar.";

  /**
   * @param noPlaintext the nodes whose agents do not read plaintext at the socket (an older agent, {@code
   *     --plaintext off}, a kernel its socket programs do not load on); empty when every node's does
   * @param plaintextAtTc the nodes whose agents read plaintext HTTP/1.x in the TC programs ({@code --plaintext
   *     tc}), not at the sockets
   */
  static ContainerVerdict of(Container c, Set<ProbeKind> supported, boolean l4Everywhere,
      boolean tlsEverywhere, List<String> noPlaintext, List<String> plaintextAtTc, ObservedPorts observed,
      boolean onlyPlaintextHttp) {
    ContainerVerdict v = of(c, supported, l4Everywhere, tlsEverywhere, noPlaintext, plaintextAtTc);
    if (v.readable() || !onlyPlaintextHttp || !noPlaintext.isEmpty()
        || !supported.contains(ProbeKind.PLAINTEXT) || c.probeKind() == ProbeKind.PLAINTEXT) {
      return v;
    }
    // The container's TLS cannot be read, but it is not used on the wire: everything seen was plaintext.
    return new ContainerVerdict(l4Everywhere, v.appDoesTls(), new Reason(ReasonCode.TLS_UNUSED_PLAINTEXT_SEEN,
        "Container '" + c.name() + "' has TLS the agent cannot read (" + v.reason().code() + "), but every "
            + "connection its pods made or took so far began in plaintext (" + observed.toAnnotation() + "), none "
            + "with TLS: the kernel reads its HTTP at the socket. Should one begin with TLS, it needs a sidecar "
            + "for L7."));
  }

  private static ContainerVerdict of(Container c, Set<ProbeKind> supported, boolean l4Everywhere,
      boolean tlsEverywhere, List<String> noPlaintext, List<String> plaintextAtTc) {
    String who = "Container '" + c.name() + "'";
    ProbeKind kind = c.probeKind();
    boolean appDoesTls = kind != ProbeKind.PLAINTEXT;
    if (kind == null) {
      return new ContainerVerdict(false, true, unreadable(c, who));
    }
    if (!supported.contains(kind)) {
      return new ContainerVerdict(false, appDoesTls, new Reason(unsupportedCode(kind), who + " uses "
          + describe(kind) + ", which the agent does not read yet; it needs a sidecar for L7." + FALLBACK_HINT));
    }
    if (!c.targetsResolved() && c.refusal() != null) {
      return new ContainerVerdict(false, appDoesTls, new Reason(c.refusal().code(), who + " uses "
          + describe(kind) + detail(c) + ", which the agent does not probe: " + c.refusal().message()
          + " It needs a sidecar for L7." + FALLBACK_HINT));
    }
    if (!c.targetsResolved()) {
      return new ContainerVerdict(false, appDoesTls, new Reason(ReasonCode.UPROBE_TARGETS_MISSING, who
          + " uses " + describe(kind) + " but the functions to probe do not resolve in its binary (stripped "
          + "or not exported); name them with hybridmesh.io/tls-probe, or it needs a sidecar for L7."));
    }
    if (kind == ProbeKind.PLAINTEXT) {
      if (!noPlaintext.isEmpty()) {
        return new ContainerVerdict(false, false, new Reason(ReasonCode.PLAINTEXT_PROBES_UNSUPPORTED, who
            + " speaks plaintext, but the agent on " + String.join(", ", noPlaintext) + " does not read HTTP "
            + "at the socket (an agent older than that, --plaintext off, or a kernel its socket programs do not "
            + "load on: they need BTF and task BTF); it needs a sidecar for L7." + FALLBACK_HINT));
      }
      return new ContainerVerdict(l4Everywhere, false, new Reason(ReasonCode.TLS_NONE, who
          + " speaks plaintext; the kernel reads its HTTP at the socket" + (plaintextAtTc.isEmpty() ? "."
          : ", and on " + String.join(", ", plaintextAtTc) + " in the TC programs instead (--plaintext tc): "
          + "HTTP/1.x method, path, status, latency and the headers in a request's first 128 bytes; not "
          + "HTTP/2, not pipelined requests.")));
    }
    return new ContainerVerdict(tlsEverywhere, true, new Reason(ReasonCode.UPROBE_TARGETS_OK, who + " uses "
        + describe(kind) + detail(c) + " and its probe targets resolve; the kernel reads its HTTP before "
        + "encryption."));
  }

  private static String detail(Container c) {
    return c.detail() == null ? "" : " (" + c.detail() + ")";
  }

  private static Reason unreadable(Container c, String who) {
    String library = c.library() == null ? "UNKNOWN" : c.library();
    return switch (library) {
      case "JSSE" -> new Reason(ReasonCode.TLS_JSSE, who + " does TLS in the JVM (JSSE), where no native "
          + "function can be probed; a sidecar sees only its TLS metadata unless the app speaks plaintext to it."
          + FALLBACK_HINT);
      case "RUSTLS" -> new Reason(ReasonCode.TLS_RUSTLS, who + " uses rustls, compiled into the binary with "
          + "no stable function to probe; it needs a sidecar for L7." + FALLBACK_HINT);
      case "UNKNOWN" -> new Reason(ReasonCode.TLS_STATIC_STRIPPED, who + " links its TLS statically and is "
          + "stripped, so there is nothing to probe; it needs a sidecar for L7, or an unstripped build."
          + FALLBACK_HINT);
      default -> new Reason(ReasonCode.TLS_UNKNOWN, who + " uses " + library + ", which no probe reads; it "
          + "needs a sidecar for L7." + FALLBACK_HINT);
    };
  }

  private static ReasonCode unsupportedCode(ProbeKind kind) {
    return switch (kind) {
      case PLAINTEXT -> ReasonCode.PLAINTEXT_PROBES_UNSUPPORTED;
      case OPENSSL -> ReasonCode.TLS_OPENSSL_PROBES_UNSUPPORTED;
      case BORINGSSL_SYMBOLS -> ReasonCode.TLS_BORINGSSL_PROBES_UNSUPPORTED;
      case GNUTLS -> ReasonCode.TLS_GNUTLS_PROBES_UNSUPPORTED;
      case NSS -> ReasonCode.TLS_NSS_PROBES_UNSUPPORTED;
      case GO_CRYPTO_TLS -> ReasonCode.TLS_GO_PROBES_UNSUPPORTED;
    };
  }

  private static String describe(ProbeKind kind) {
    return switch (kind) {
      case PLAINTEXT -> "no TLS library (plaintext), whose HTTP is parsed at the socket";
      case OPENSSL -> "OpenSSL";
      case BORINGSSL_SYMBOLS -> "BoringSSL (with symbols)";
      case GNUTLS -> "GnuTLS";
      case NSS -> "NSS";
      case GO_CRYPTO_TLS -> "Go crypto/tls";
    };
  }
}
