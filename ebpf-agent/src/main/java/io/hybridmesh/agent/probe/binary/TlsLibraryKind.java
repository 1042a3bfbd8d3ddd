package io.hybridmesh.agent.probe.binary;

/** Which TLS stack a binary or process uses. */
public enum TlsLibraryKind { OPENSSL, BORINGSSL, GNUTLS, NSS, GO_CRYPTO_TLS, JSSE, RUSTLS, NONE, UNKNOWN }
