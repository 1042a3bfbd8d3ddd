package io.hybridmesh.agent.probe.binary;

/** Stable reason codes of the binary prober; the names are an interface, never rename them. */
public enum ReasonCode {
  TLS_DYNAMIC_OPENSSL,
  TLS_DLOPEN_OPENSSL,
  TLS_STATIC_OPENSSL_SYMBOLS,
  TLS_STATIC_STRIPPED,
  TLS_BORINGSSL,
  TLS_GNUTLS,
  TLS_NSS,
  TLS_GO,
  TLS_GO_BORINGCRYPTO,
  TLS_GO_NO_CRYPTO_TLS,
  TLS_JSSE,
  TLS_RUSTLS,
  TLS_NONE,
  TLS_MULTIPLE,
  UPROBE_TARGETS_OK,
  UPROBE_TARGETS_MISSING,
  LIBRARY_NOT_FOUND,
  LIBRARY_UNREADABLE,
  PARTIAL_ANALYSIS,
  NOT_ELF,
  UNREADABLE,
  // Why a Go binary's crypto/tls is not probed (io.hybridmesh.agent.probe.go.GoRefusal, same names).
  GO_ARCH_UNSUPPORTED,
  GO_STACK_ABI_UNSUPPORTED,
  GO_VERSION_UNKNOWN,
  GO_VERSION_INCONSISTENT,
  GO_FUNCTION_TABLE_INVALID,
  GO_BODY_UNDECODABLE,
  GO_VERSION_UNKNOWN_OFFSETS
}
