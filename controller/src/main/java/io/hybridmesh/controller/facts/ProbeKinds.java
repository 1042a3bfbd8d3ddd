package io.hybridmesh.controller.facts;

import io.hybridmesh.api.annotation.TlsProbeAnnotation;
import io.hybridmesh.controller.decision.Inputs;
import io.hybridmesh.controller.decision.Inputs.ProbeKind;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * From a probe's library and resolved symbols to the probe kind that would read a container's L7, for the
 * decision engine. Shared by {@code hmesh probe} and the controller so both judge a binary the same way.
 */
public final class ProbeKinds {

  /**
   * What the agent reads today: OpenSSL's API wherever SSL_write and SSL_read resolve (a libssl, a
   * dlopen'ed one, or an executable with OpenSSL or BoringSSL linked in), Go's crypto/tls where the agent's
   * probe accepted the binary (functions, sites and struct offsets known), and plaintext HTTP at the socket
   * where a node's agent says it reads it (NodeCapability feature PLAINTEXT_SOCKET). GnuTLS and NSS are not
   * read yet.
   */
  public static final Set<ProbeKind> AGENT_SUPPORTS = Set.copyOf(EnumSet.of(ProbeKind.PLAINTEXT,
      ProbeKind.OPENSSL, ProbeKind.BORINGSSL_SYMBOLS, ProbeKind.GO_CRYPTO_TLS));

  /** The functions whose entries the Go probes need; the agent lists their returns as "function+0xN". */
  static final String GO_WRITE = "crypto/tls.(*Conn).Write";
  static final String GO_READ = "crypto/tls.(*Conn).Read";

  private ProbeKinds() {}

  /**
   * @param library the probe's library name (OPENSSL, BORINGSSL, GNUTLS, NSS, GO_CRYPTO_TLS, JSSE, RUSTLS,
   *     NONE, UNKNOWN)
   * @param resolved whether a symbol resolves in the binary or a library it loads
   * @param anyResolved whether any probe target resolves (Go's targets vary by version)
   */
  public static Inputs.Container container(String name, String library, Predicate<String> resolved,
      boolean anyResolved) {
    String lib = library == null ? "UNKNOWN" : library.toUpperCase(Locale.ROOT);
    boolean ssl = resolved.test("SSL_write") && resolved.test("SSL_read");
    return switch (lib) {
      case "NONE" -> new Inputs.Container(name, "NONE", ProbeKind.PLAINTEXT, true);
      case "OPENSSL" -> new Inputs.Container(name, "OPENSSL", ProbeKind.OPENSSL, ssl);
      case "BORINGSSL" -> ssl
          ? new Inputs.Container(name, "BORINGSSL", ProbeKind.BORINGSSL_SYMBOLS, true)
          : new Inputs.Container(name, "UNKNOWN", null, false); // stripped BoringSSL: nothing to probe
      case "GNUTLS" -> new Inputs.Container(name, "GNUTLS", ProbeKind.GNUTLS,
          resolved.test("gnutls_record_send") && resolved.test("gnutls_record_recv"));
      case "NSS" -> new Inputs.Container(name, "NSS", ProbeKind.NSS, resolved.test("PR_Write") && resolved.test("PR_Read"));
      case "GO_CRYPTO_TLS" -> new Inputs.Container(name, "GO_CRYPTO_TLS", ProbeKind.GO_CRYPTO_TLS,
          resolved.test(GO_WRITE) && resolved.test(GO_READ));
      default -> new Inputs.Container(name, lib, null, false); // JSSE, RUSTLS, UNKNOWN: no function to probe
    };
  }

  /**
   * A probed container for the engine. A custom target ({@code hybridmesh.io/tls-probe}) that resolves makes
   * the container readable through the OpenSSL-shaped probe, whatever the library looked like.
   */
  public static Inputs.Container container(String name, ContainerProbe probe, TlsProbeAnnotation custom) {
    Inputs.Container c = GoFacts.withGo(container(name, probe.library(), probe::resolved,
        probe.targets().stream().anyMatch(ContainerProbe.Target::resolved)), probe);
    if (custom != null && customResolved(probe, custom)) {
      ProbeKind kind = c.probeKind() == null || c.probeKind() == ProbeKind.PLAINTEXT ? ProbeKind.OPENSSL : c.probeKind();
      return new Inputs.Container(name, c.library(), kind, true);
    }
    return c;
  }

  /** Every custom symbol resolves in the named file. */
  public static boolean customResolved(ContainerProbe probe, TlsProbeAnnotation custom) {
    return custom.symbols().stream().allMatch(s -> probe.targets().stream()
        .anyMatch(t -> t.resolved() && t.symbol().equals(s) && custom.file().equals(t.file())));
  }
}
