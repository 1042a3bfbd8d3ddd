package io.hybridmesh.agent.probe.binary;

import java.util.List;
import java.util.Set;

/** The function names probes attach to, per stack, and the marker symbols that identify stacks. */
final class TlsSymbols {

  /** The calls read, and SSL_set_fd, where a connection's socket is tied to its SSL object (TlsSite.SET_FD). */
  static final List<String> OPENSSL = List.of("SSL_write", "SSL_read", "SSL_write_ex", "SSL_read_ex",
      io.hybridmesh.api.annotation.UprobeTargetEntry.SSL_SET_FD);
  static final List<String> GNUTLS = List.of("gnutls_record_send", "gnutls_record_recv");
  static final List<String> NSPR = List.of("PR_Write", "PR_Read");
  static final String GO_WRITE = "crypto/tls.(*Conn).Write";
  static final String GO_READ = "crypto/tls.(*Conn).Read";
  static final List<String> GO = List.of(GO_WRITE, GO_READ);
  static final List<String> RUSTLS_FFI = List.of("rustls_connection_write", "rustls_connection_read");
  /** Marks a Go binary built against BoringCrypto (a function in crypto/internal/boring/sig). */
  static final String GO_BORING_SIG = "crypto/internal/boring/sig.BoringCrypto";

  /**
   * Public API that only BoringSSL has (OpenSSL 1.1/3.x and LibreSSL define none of these). Looked up by name
   * during the one symbol-table pass, so a JNI library such as netty-tcnative, whose BoringSSL symbols are
   * all local ({@code t} in .symtab), is recognised too.
   */
  static final Set<String> BORINGSSL_ONLY = Set.of("BORINGSSL_self_test", "SSL_CTX_set_strict_cipher_list",
      "SSL_set_strict_cipher_list", "SSL_CTX_set_grease_enabled", "SSL_CTX_set_select_certificate_cb",
      "CRYPTO_BUFFER_new", "SSL_CTX_set_private_key_method");
  static final Set<String> NSS_API = Set.of("NSS_Init", "NSS_InitContext", "SSL_ImportFD");
  static final Set<String> JVM_API = Set.of("JNI_CreateJavaVM");
  static final Set<String> JLI_API = Set.of("JLI_Launch");

  static final Set<String> ALL_FUNCTIONS = Set.copyOf(concat(OPENSSL, GNUTLS, NSPR, GO, RUSTLS_FFI,
      List.of(GO_BORING_SIG)));

  private TlsSymbols() {}

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }

  /** Whether {@code name} is worth keeping from a symbol-table scan. */
  static boolean interesting(String name) {
    return ALL_FUNCTIONS.contains(name) || BORINGSSL_ONLY.contains(name) || NSS_API.contains(name)
        || JVM_API.contains(name) || JLI_API.contains(name) || name.startsWith("_goboringcrypto_");
  }
}
